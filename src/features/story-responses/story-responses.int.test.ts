import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createUser, type TestApp, createTestApp } from '../../../test/support/app.ts';
import { nowIso } from '../../platform/db/index.ts';
import { insertStory, seedStories } from '../stories/test-support.ts';

async function signedIn(t: TestApp, email: string): Promise<Browser> {
  const b = new Browser(t.app);
  await b.signIn(email);
  await b.get('/');
  return b;
}

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

describe('responding to stories', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedStories>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedStories(t);
  });
  afterEach(() => t.close());

  const outbox = () => t.db.db.selectFrom('outbox').selectAll().orderBy('id').execute();
  const responsesOf = (storyId: number) => t.db.db.selectFrom('story_responses').selectAll().where('story_id', '=', storyId).orderBy('id').execute();
  const valid = { responderRole: 'Ward manager', body: 'Thank you for telling us. We are sorry you had to wait.', change: 'none' };

  async function insertProject(unitId: number, title: string): Promise<{ project: number; idea: number }> {
    const now = nowIso();
    const { id: project } = await t.db.db
      .insertInto('projects')
      .values({ unit_id: unitId, title, aim: 'Shorter waits', background: null, stage: 'testing', programme: null, involvement_level: 'involved', created_by: null, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: idea } = await t.db.db
      .insertInto('change_ideas')
      .values({ project_id: project, driver_id: null, title: `${title}: text reminders`, size: 'small_quick', source: 'story', status: 'testing', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { project, idea };
  }

  it('lists the published stories about the user’s teams, newest first, filtered and a page at a time', async () => {
    const older = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Waiting room too cold', published_at: minutesAgo(30) });
    const newer = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Kind reception staff', published_at: minutesAgo(10) });
    await t.db.db.insertInto('story_tags').values({ story_id: newer, tag: 'kindness' }).execute();
    await insertStory(t.db, s.org.southTeam.id, { public_title: 'South story' });
    await insertStory(t.db, s.org.northTeam.id, { public_title: 'Waiting for moderation', status: 'new', published_at: null });
    const staff = await signedIn(t, 'staff@example.org');
    await staff.post(`/feedback/stories/${older}/responses`, valid);

    const list = await staff.get('/feedback/stories');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('2 stories');
    expect(list.body.indexOf('Kind reception staff')).toBeLessThan(list.body.indexOf('Waiting room too cold'));
    expect(list.body).not.toContain('South story');
    expect(list.body).not.toContain('Waiting for moderation');

    const answered = await staff.get('/feedback/stories?answered=yes');
    expect(answered.body).toContain('1 story');
    expect(answered.body).toContain('Waiting room too cold');
    expect((await staff.get('/feedback/stories?answered=no')).body).toContain('Kind reception staff');
    const tagged = await staff.get('/feedback/stories?tag=kindness');
    expect(tagged.body).toContain('1 story');
    expect(tagged.body).toContain('Kind reception staff');
    expect((await staff.get('/feedback/stories?q=COLD')).body).toContain('Waiting room too cold');
    expect((await staff.get('/feedback/stories?q=cold')).body).not.toContain('Kind reception staff');
    expect((await staff.get('/feedback/stories?discussed=yes')).body).toContain('0 stories');
    expect((await staff.get(`/feedback/stories?unitId=${s.org.southTeam.id}`)).body).toContain('0 stories');
    // Nonsense filters are dropped, never a server error.
    expect((await staff.get('/feedback/stories?answered=maybe&unitId=x&after=nope&q=%00')).statusCode).toBe(200);

    // A page at a time: the 26th story is on the next page.
    for (let i = 0; i < 25; i++) await insertStory(t.db, s.org.northTeam.id, { public_title: `Bulk story ${i}`, published_at: minutesAgo(100 + i) });
    const first = await staff.get('/feedback/stories');
    expect(first.body).toContain('27 stories');
    expect(first.body).not.toContain('Bulk story 24');
    const next = /href="(\/feedback\/stories\?after=[^"]+)"/.exec(first.body)?.[1];
    expect(next).toBeDefined();
    const second = await staff.get((next as string).replace(/&amp;/g, '&'));
    expect(second.body).toContain('Bulk story 24');
    expect(second.body).not.toContain('Kind reception staff');

    // Partners do not read stories here.
    expect((await (await signedIn(t, 'partner@example.org')).get('/feedback/stories')).statusCode).toBe(403);
  });

  it('shows staff the public version only, whether the teller asked to hear back, and nothing outside their units', async () => {
    const id = await insertStory(t.db, s.org.northTeam.id, {
      title: 'Nurse Jane Smith ignored me', body: 'Jane Smith on ward 3 ignored me, call me on 07700 900123',
      public_title: 'A nurse ignored me', public_body: 'A nurse on ward 3 ignored me.', contact_phone: '07700 900123',
    });
    const staff = await signedIn(t, 'staff@example.org');
    const page = await staff.get(`/feedback/stories/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('A nurse ignored me');
    expect(page.body).toContain('A nurse on ward 3 ignored me.');
    expect(page.body).not.toContain('Jane Smith');
    expect(page.body).not.toContain('07700 900123');
    expect(page.body).not.toContain('jo.bloggs@example.org');
    expect(page.body).toMatch(/The teller asked to hear back\s*<\/dt>\s*<dd class="nhsuk-summary-list__value">\s*Yes/);
    expect(page.body).toContain('Publish response');
    const audited = await t.db.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'story').where('entity_id', '=', String(id)).execute();
    expect(audited.map((a) => a.action)).toContain('story.viewed');

    const quiet = await insertStory(t.db, s.org.northTeam.id, { contact_email: null, contact_phone: null });
    expect((await staff.get(`/feedback/stories/${quiet}`)).body).toMatch(/The teller asked to hear back\s*<\/dt>\s*<dd class="nhsuk-summary-list__value">\s*No/);

    // Out of scope, not published, or not an id at all: not found.
    expect((await (await signedIn(t, 'south@example.org')).get(`/feedback/stories/${id}`)).statusCode).toBe(404);
    const held = await insertStory(t.db, s.org.northTeam.id, { status: 'held', published_at: null });
    expect((await staff.get(`/feedback/stories/${held}`)).statusCode).toBe(404);
    expect((await staff.get('/feedback/stories/99999999999')).statusCode).toBe(404);
    expect((await staff.get('/feedback/stories/abc')).statusCode).toBe(404);

    // A viewer reads the story but has no form, and may not respond.
    const viewer = await signedIn(t, 'viewer@example.org');
    const viewed = await viewer.get(`/feedback/stories/${id}`);
    expect(viewed.statusCode).toBe(200);
    expect(viewed.body).not.toContain('Publish response');
    expect((await viewer.post(`/feedback/stories/${id}/responses`, valid)).statusCode).toBe(403);
    expect((await (await signedIn(t, 'partner@example.org')).post(`/feedback/stories/${id}/responses`, valid)).statusCode).toBe(403);
    expect((await (await signedIn(t, 'south@example.org')).post(`/feedback/stories/${id}/responses`, valid)).statusCode).toBe(404);
    expect(await responsesOf(id)).toEqual([]);
  });

  it('publishes a response under the responder’s role, emails the teller once, and tells them again when the change is made', async () => {
    const id = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Long wait in clinic' });
    const staff = await signedIn(t, 'staff@example.org');

    const empty = await staff.post(`/feedback/stories/${id}/responses`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter your job title');
    expect(empty.body).toContain('Enter your response');
    expect(empty.body).toContain('Choose whether this story has led to a change');
    const noDescription = await staff.post(`/feedback/stories/${id}/responses`, { ...valid, body: 'We will look at clinic times.', change: 'planned' });
    expect(noDescription.statusCode).toBe(400);
    expect(noDescription.body).toContain('Say what change is planned');
    expect(noDescription.body).toContain('We will look at clinic times.');
    expect(noDescription.body).toContain('value="Ward manager"');
    expect(await outbox()).toEqual([]);

    const res = await staff.post(`/feedback/stories/${id}/responses`, { ...valid, change: 'planned', changeDescription: 'Text reminders the day before' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^/feedback/stories/${id}#response-\\d+$`));
    const [response] = await responsesOf(id);
    expect(response).toMatchObject({ user_id: s.users.staff, responder_role: 'Ward manager', change: 'planned', change_description: 'Text reminders the day before', project_id: null });
    const [message] = await outbox();
    expect(message).toMatchObject({ channel: 'email', recipient: 'jo.bloggs@example.org', idempotency_key: `story-response:${response?.id}`, subject: 'We have replied to your story' });
    expect(message?.body_text).toContain('Hello Jo,');
    expect(message?.body_text).toContain('We are sorry you had to wait.');
    expect(message?.body_text).toContain('Text reminders the day before');
    expect(message?.body_text).toContain(`http://localhost:3000/stories/${id}`);

    const page = await staff.get(`/feedback/stories/${id}`);
    expect(page.body).toContain('Response published. We have emailed the person who told the story.');
    expect(page.body).toContain('Ward manager,');
    expect(page.body).toContain('Change planned');
    // The role last used fills in the form for the next response.
    expect(page.body).toContain('id="responderRole" name="responderRole" type="text" value="Ward manager"');

    // The author updates it: the change is made, and the teller hears once.
    const editUrl = `/feedback/stories/${id}/responses/${response?.id}/edit`;
    expect((await staff.get(editUrl)).body).toContain('Text reminders the day before');
    const bad = await staff.post(editUrl, { ...valid, change: 'made' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Say what change has been made');
    const made = { ...valid, change: 'made', changeDescription: 'We now send text reminders' };
    expect((await staff.post(editUrl, made)).statusCode).toBe(303);
    expect((await staff.post(editUrl, { ...made, body: 'Updated wording.' })).statusCode).toBe(303);
    const messages = await outbox();
    expect(messages.map((m) => m.idempotency_key)).toEqual([`story-response:${response?.id}`, `story-response:${response?.id}:change:made`]);
    expect(messages[1]?.subject).toBe('Your story has led to a change');
    expect(messages[1]?.body_text).toContain('We now send text reminders');
    expect((await responsesOf(id))[0]).toMatchObject({ change: 'made', body: 'Updated wording.' });

    // A moderator for the unit may edit it; other staff who can respond may not; South staff cannot see it.
    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.get(editUrl)).statusCode).toBe(200);
    await createUser(t.db, 'colleague@example.org', [{ unitId: s.org.northTeam.id, role: 'qi_staff' }], 'Cal Colleague');
    const colleague = await signedIn(t, 'colleague@example.org');
    expect((await colleague.get(editUrl)).statusCode).toBe(403);
    expect((await colleague.post(editUrl, made)).statusCode).toBe(403);
    expect((await (await signedIn(t, 'south@example.org')).get(editUrl)).statusCode).toBe(404);
    expect((await staff.get(`/feedback/stories/${id}/responses/99999999999/edit`)).statusCode).toBe(404);
    // Several responses per story.
    expect((await colleague.post(`/feedback/stories/${id}/responses`, { ...valid, responderRole: 'Matron' })).statusCode).toBe(303);
    expect(await responsesOf(id)).toHaveLength(2);

    const actions = await t.db.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'story').where('entity_id', '=', String(id)).execute();
    expect(actions.filter((a) => a.action === 'story_response.created')).toHaveLength(2);
    expect(actions.filter((a) => a.action === 'story_response.updated')).toHaveLength(2);
  });

  it('sends nothing when the teller left no contact details, and no link when the story is not on the public site', async () => {
    const staff = await signedIn(t, 'staff@example.org');
    const none = await insertStory(t.db, s.org.northTeam.id, { contact_email: null, contact_phone: null });
    expect((await staff.post(`/feedback/stories/${none}/responses`, valid)).statusCode).toBe(303);
    expect(await outbox()).toEqual([]);
    expect((await staff.get(`/feedback/stories/${none}`)).body).not.toContain('We have emailed');

    const private_ = await insertStory(t.db, s.org.northTeam.id, { consent_publish: 0 });
    expect((await staff.post(`/feedback/stories/${private_}/responses`, valid)).statusCode).toBe(303);
    const [message] = await outbox();
    expect(message).toMatchObject({ channel: 'email', story_id: private_ });
    expect(message?.body_text).not.toContain('/stories/');
    expect(message?.body_text).toContain('Your story is not on our website');
  });

  it('tells a teller who left only a phone number by a text a moderator sends by hand, and marks it sent once', async () => {
    const staff = await signedIn(t, 'staff@example.org');
    const phoneOnly = await insertStory(t.db, s.org.northTeam.id, { contact_email: null, contact_phone: '07700 900456', public_title: 'Lost my glasses' });
    expect((await staff.post(`/feedback/stories/${phoneOnly}/responses`, valid)).statusCode).toBe(303);
    expect((await staff.get(`/feedback/stories/${phoneOnly}`)).body).toContain('a text to them is waiting in Texts to send');
    const [text] = await outbox();
    expect(text).toMatchObject({ channel: 'sms', recipient: '07700 900456', story_id: phoneOnly, status: 'pending' });
    expect(text?.body_text).toContain(valid.body);
    expect(text?.body_text).toContain('We sent you this text');
    const told = await t.db.db.selectFrom('audit_log').select('details').where('action', '=', 'story_response.created').executeTakeFirstOrThrow();
    expect(JSON.parse(told.details as string)).toMatchObject({ told: 'sms' });

    // Only moderators see the texts (they hold the teller's phone number); the worker never sends them.
    expect((await staff.get('/feedback/texts')).statusCode).toBe(403);
    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.get('/feedback')).body).toContain('1 text is waiting to be sent');
    const page = await lead.get('/feedback/texts');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('1 text is waiting to be sent.');
    expect(page.body).toContain('07700 900456');
    expect(page.body).toContain(`/feedback/moderation/${phoneOnly}`);
    await createUser(t.db, 'south-lead@example.org', [{ unitId: s.org.south.id, role: 'lead' }]);
    const southLead = await signedIn(t, 'south-lead@example.org');
    expect((await southLead.get('/feedback/texts')).body).not.toContain('07700 900456');
    expect((await southLead.post(`/feedback/texts/${text?.id}/sent`, {})).statusCode).toBe(404);
    expect((await lead.post('/feedback/texts/nope/sent', {})).statusCode).toBe(404);

    const sent = await lead.post(`/feedback/texts/${text?.id}/sent`, {});
    expect(sent.statusCode).toBe(303);
    expect((await lead.get('/feedback/texts')).body).toContain('Text marked as sent.');
    expect((await outbox())[0]).toMatchObject({ status: 'sent' });
    await lead.post(`/feedback/texts/${text?.id}/sent`, {});
    expect((await lead.get('/feedback/texts')).body).toContain('That text was already marked as sent.');
    const marks = await t.db.db.selectFrom('audit_log').select(['entity_id', 'details']).where('action', '=', 'story.text_sent_by_hand').execute();
    expect(marks).toEqual([{ entity_id: String(phoneOnly), details: JSON.stringify({ messageId: text?.id }) }]);
  });

  it('drops messages still waiting for a teller when they are erased, and takes their address out of those sent', async () => {
    const staff = await signedIn(t, 'staff@example.org');
    const lead = await signedIn(t, 'lead@example.org');
    const byText = await insertStory(t.db, s.org.northTeam.id, { contact_email: null, contact_phone: '07700 900789' });
    const byEmail = await insertStory(t.db, s.org.northTeam.id);
    await staff.post(`/feedback/stories/${byText}/responses`, valid);
    await staff.post(`/feedback/stories/${byEmail}/responses`, valid);
    await t.db.db.updateTable('outbox').set({ status: 'sent', sent_at: nowIso() }).where('story_id', '=', byEmail).execute();
    const other = await insertStory(t.db, s.org.northTeam.id, { contact_email: 'someone.else@example.org' });
    await staff.post(`/feedback/stories/${other}/responses`, valid);

    for (const id of [byText, byEmail]) expect((await lead.post(`/feedback/moderation/${id}/erase`, { confirm: 'yes' })).statusCode).toBe(303);
    const left = await outbox();
    expect(left.map((m) => [m.story_id, m.recipient])).toEqual([[byEmail, '(erased)'], [other, 'someone.else@example.org']]);
    expect(left[0]?.body_text).toBe('(erased)');
    expect((await lead.get('/feedback/texts')).body).toContain('There are no texts waiting to be sent.');
  });

  it('links a response to a project the responder can see and one of that project’s change ideas only', async () => {
    const id = await insertStory(t.db, s.org.northTeam.id);
    const north = await insertProject(s.org.northTeam.id, 'Fewer missed appointments');
    const other = await insertProject(s.org.northTeam.id, 'Better discharge letters');
    const south = await insertProject(s.org.southTeam.id, 'South project');
    const staff = await signedIn(t, 'staff@example.org');
    const made = { ...valid, change: 'made', changeDescription: 'Text reminders' };

    const page = await staff.get(`/feedback/stories/${id}`);
    expect(page.body).toContain('Fewer missed appointments');
    expect(page.body).not.toContain('South project');
    // Choosing a project and asking for its change ideas keeps what was typed.
    const shown = await staff.post(`/feedback/stories/${id}/responses`, { ...made, projectId: String(north.project), show: 'ideas' });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('Fewer missed appointments: text reminders');
    expect(shown.body).not.toContain('Better discharge letters: text reminders');
    expect(shown.body).toContain('Text reminders');

    const hidden = await staff.post(`/feedback/stories/${id}/responses`, { ...made, projectId: String(south.project) });
    expect(hidden.statusCode).toBe(400);
    expect(hidden.body).toContain('Choose a QI project from the list');
    const orphan = await staff.post(`/feedback/stories/${id}/responses`, { ...made, changeIdeaId: String(north.idea) });
    expect(orphan.statusCode).toBe(400);
    expect(orphan.body).toContain('Choose the QI project the change idea belongs to');
    const mismatch = await staff.post(`/feedback/stories/${id}/responses`, { ...made, projectId: String(north.project), changeIdeaId: String(other.idea) });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('Choose a change idea of the chosen project');
    expect((await staff.post(`/feedback/stories/${id}/responses`, { ...made, projectId: '99999999999' })).statusCode).toBe(400);
    expect(await responsesOf(id)).toEqual([]);

    expect((await staff.post(`/feedback/stories/${id}/responses`, { ...made, projectId: String(north.project), changeIdeaId: String(north.idea) })).statusCode).toBe(303);
    expect((await responsesOf(id))[0]).toMatchObject({ project_id: north.project, change_idea_id: north.idea, change: 'made' });
    const after = await staff.get(`/feedback/stories/${id}`);
    expect(after.body).toContain(`href="/projects/${north.project}"`);
    expect(after.body).toContain(`href="/projects/${north.project}/ideas/${north.idea}"`);
  });
});
