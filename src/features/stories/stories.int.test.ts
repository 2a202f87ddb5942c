import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, type TestApp } from '../../../test/support/app.ts';
import { insertStory, seedStories } from './test-support.ts';

async function signedIn(t: TestApp, email: string): Promise<Browser> {
  const b = new Browser(t.app);
  await b.signIn(email);
  await b.get('/');
  return b;
}

/** A browser that has opened the public form, so it holds a CSRF token as a visitor would. */
async function visitor(t: TestApp): Promise<Browser> {
  const b = new Browser(t.app);
  await b.get('/stories/new');
  return b;
}

const storyForm = (unitId: number, over: Record<string, string> = {}): Record<string, string> => ({
  unitId: String(unitId),
  title: 'Kind nurses on Ward 7',
  body: 'Nurse Jones explained everything. Call me on 07700 900123.',
  tellerRole: 'carer',
  good: 'They listened',
  better: 'The wait for a bed',
  contactEmail: 'Ann.Smith@Example.org',
  contactPhone: '+44 (0)20 7946 0018',
  consentPublish: 'yes',
  naming: 'first_name',
  tellerName: 'Ann Smith',
  action: 'send',
  ...over,
});

describe('telling and moderating stories', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedStories>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedStories(t);
  });
  afterEach(() => t.close());

  const stories = () => t.db.db.selectFrom('stories').selectAll().orderBy('id').execute();
  const story = (id: number) => t.db.db.selectFrom('stories').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const audits = (id: number) => t.db.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'story').where('entity_id', '=', String(id)).orderBy('id').execute().then((r) => r.map((a) => a.action));

  it('takes a story from the public without an account, with a searchable list of services', async () => {
    const b = await visitor(t);
    const form = await b.get('/stories/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Tell us your story');
    expect(form.body).toContain('North Borough');
    expect(form.body).toContain('I am not sure');
    expect(form.body).not.toContain('nhsuk-error-message');
    // The honeypot is there for robots, hidden from people.
    expect(form.body).toMatch(/<div class="nhsuk-u-visually-hidden" aria-hidden="true">\s*<label for="website">/);
    expect(form.body).toMatch(/name="website" value="" tabindex="-1" autocomplete="off"/);

    // Searching narrows the list, on a link or from the form, and keeps what was typed.
    const found = await b.get('/stories/new?unitSearch=community');
    expect(found.body).toContain('North Community Team');
    expect(found.body).toContain('Part of South Borough');
    expect(found.body).not.toMatch(/value="\d+"[^>]*>\s*<label[^>]*>\s*North Borough/);
    const searched = await b.post('/stories/new', { ...storyForm(s.org.northTeam.id), unitSearch: 'north comm', action: 'search' });
    expect(searched.statusCode).toBe(200);
    expect(searched.body).toContain('Kind nurses on Ward 7');
    expect(searched.body).toContain('North Community Team');
    expect(searched.body).not.toContain('South Community Team');
    expect(await stories()).toHaveLength(0);
    expect((await b.get('/stories/new?unitSearch=zzz')).body).toContain('We could not find a service called &quot;zzz&quot;');

    const sent = await b.post('/stories/new', storyForm(s.org.northTeam.id));
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/stories/new/thanks');
    expect((await b.get('/stories/new/thanks')).body).toContain('What happens next');
    const [row] = await stories();
    expect(row).toMatchObject({
      unit_id: s.org.northTeam.id, source: 'online', entered_by: null, teller_role: 'carer', status: 'new',
      title: 'Kind nurses on Ward 7', public_title: 'Kind nurses on Ward 7', public_body: row?.body, public_good: 'They listened', public_better: 'The wait for a bed',
      teller_name: 'Ann Smith', public_name: 'Ann', naming: 'first_name', consent_publish: 1,
      contact_email: 'ann.smith@example.org', contact_phone: '+44 (0)20 7946 0018', published_at: null,
    });
    expect(await audits(row?.id as number)).toEqual(['story.received']);
  });

  it('explains each mistake on the form and keeps what was typed', async () => {
    const b = await visitor(t);
    const empty = await b.post('/stories/new', { action: 'send' });
    expect(empty.statusCode).toBe(400);
    for (const message of ['Choose the service or team your story is about', 'Give the story a short title', 'Tell us what happened', 'Choose who you are', 'Choose yes or no for sharing', 'Choose how to name the teller']) {
      expect(empty.body).toContain(message);
    }
    const bad = await b.post('/stories/new', storyForm(s.org.northTeam.id, { contactEmail: 'ann@', contactPhone: '12345', tellerName: '' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter an email address like name@example.com');
    expect(bad.body).toContain('Enter a UK phone number, like 07700 900123');
    expect(bad.body).toContain('Enter the name to use, or choose no name');
    expect(bad.body).toContain('Kind nurses on Ward 7');
    expect(bad.body).toContain('value="12345"');
    expect(bad.body).toContain('href="#contactEmail"');
    // A unit that does not exist or is out of range is a mistake too, never a server error.
    expect((await b.post('/stories/new', storyForm(999_999))).statusCode).toBe(400);
    expect((await b.post('/stories/new', storyForm(s.org.northTeam.id, { unitId: '99999999999' }))).statusCode).toBe(400);
    // Anonymous needs no name; and the name given is then not kept.
    expect((await b.post('/stories/new', storyForm(s.org.northTeam.id, { naming: 'anonymous', contactEmail: '', contactPhone: '' }))).statusCode).toBe(303);
    const [row] = await stories();
    expect(row).toMatchObject({ teller_name: null, public_name: 'Anonymous', contact_email: null, contact_phone: null });
  });

  it('drops what robots send in the honeypot without telling them', async () => {
    const b = await visitor(t);
    const res = await b.post('/stories/new', storyForm(s.org.northTeam.id, { website: 'http://spam.example' }));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/stories/new/thanks');
    expect(await stories()).toHaveLength(0);
  });

  it('stops too many stories from one address with a 429 that keeps what was typed', async () => {
    await t.close();
    t = await createTestApp({ config: { rateLimitPerMinute: 2 } });
    s = await seedStories(t);
    const b = await visitor(t);
    expect((await b.post('/stories/new', storyForm(s.org.northTeam.id))).statusCode).toBe(303);
    // A mistake does not count against the limit.
    expect((await b.post('/stories/new', storyForm(s.org.northTeam.id, { title: '' }))).statusCode).toBe(400);
    expect((await b.post('/stories/new', storyForm(s.org.northTeam.id))).statusCode).toBe(303);
    const third = await b.post('/stories/new', storyForm(s.org.northTeam.id, { title: 'My third story' }));
    expect(third.statusCode).toBe(429);
    expect(third.body).toContain('Please wait a little, then send again');
    expect(third.body).toContain('value="My third story"');
    expect(third.body).toContain('Nurse Jones explained everything');
    expect(await stories()).toHaveLength(2);
  });

  it('lets staff enter a story for someone, saying how it came, and nobody else', async () => {
    const staff = await signedIn(t, 'staff@example.org');
    expect((await staff.get('/feedback/stories/new')).body).toContain('How did the story reach you?');
    const missing = await staff.post('/feedback/stories/new', storyForm(s.org.southTeam.id));
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Choose how the story reached you');
    const saved = await staff.post('/feedback/stories/new', storyForm(s.org.southTeam.id, { source: 'paper', naming: 'initials' }));
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/feedback');
    const [row] = await stories();
    expect(row).toMatchObject({ source: 'paper', entered_by: s.users.staff, status: 'new', public_name: 'A. S.', unit_id: s.org.southTeam.id });

    const partner = await signedIn(t, 'partner@example.org');
    expect((await partner.get('/feedback/stories/new')).statusCode).toBe(403);
    expect((await partner.post('/feedback/stories/new', storyForm(s.org.northTeam.id, { source: 'phone' }))).statusCode).toBe(403);
    expect((await (await signedIn(t, 'viewer@example.org')).get('/feedback/stories/new')).statusCode).toBe(403);
    expect((await new Browser(t.app).get('/feedback/stories/new')).headers.location).toMatch(/^\/sign-in/);
    expect(await stories()).toHaveLength(1);
  });

  it('shows the hub with what each member of staff may use', async () => {
    await insertStory(t.db, s.org.northTeam.id, { status: 'new', published_at: null });
    await insertStory(t.db, s.org.southTeam.id, { status: 'new', published_at: null });
    const lead = await (await signedIn(t, 'lead@example.org')).get('/feedback');
    expect(lead.body).toContain('1 new story is waiting to be checked');
    expect(lead.body).toContain('href="/feedback/safeguarding-contacts"');
    expect(lead.body).toContain('href="/feedback/stories/new"');
    const staff = await (await signedIn(t, 'staff@example.org')).get('/feedback');
    expect(staff.body).not.toContain('href="/feedback/moderation"');
    expect(staff.body).toContain('href="/feedback/discussions"');
    expect(staff.body).toContain('href="/you-said-we-did"');
    const viewer = await (await signedIn(t, 'viewer@example.org')).get('/feedback');
    expect(viewer.body).toContain('href="/feedback/measures"');
    expect(viewer.body).not.toContain('href="/feedback/stories/new"');
    expect((await (await signedIn(t, 'partner@example.org')).get('/feedback')).statusCode).toBe(403);
  });

  it('lists new stories in the moderator’s units, oldest first, a page at a time, marking safeguarding', async () => {
    const base = Date.parse('2025-01-01T09:00:00Z');
    const ids: number[] = [];
    for (let i = 0; i < 27; i += 1) {
      const at = new Date(base + (i % 2 ? 27 - i : i) * 60_000).toISOString();
      ids.push(await insertStory(t.db, s.org.northTeam.id, { status: 'new', published_at: null, received_at: at, public_title: `Story ${i}`, safeguarding_at: i === 0 ? at : null }));
    }
    await insertStory(t.db, s.org.southTeam.id, { status: 'new', published_at: null, public_title: 'South story' });
    await insertStory(t.db, s.org.northTeam.id, { status: 'held', published_at: null, public_title: 'Held story' });
    const lead = await signedIn(t, 'lead@example.org');
    const first = await lead.get('/feedback/moderation');
    expect(first.body).toContain('27 new stories');
    expect(first.body).not.toContain('South story');
    expect(first.body).not.toContain('Held story');
    expect(first.body).toMatch(/<strong class="nhsuk-tag nhsuk-tag--orange">\s*Safeguarding\s*<\/strong>/);
    const order = [...first.body.matchAll(/\/feedback\/moderation\/(\d+)"/g)].map((m) => Number(m[1]));
    expect(order).toHaveLength(25);
    const byTime = (await stories()).filter((r) => ids.includes(r.id)).sort((a, b) => a.received_at.localeCompare(b.received_at) || a.id - b.id).map((r) => r.id);
    expect(order).toEqual(byTime.slice(0, 25));
    const next = /href="(\/feedback\/moderation\?after=[^"]+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const second = await lead.get(next as string);
    expect([...second.body.matchAll(/\/feedback\/moderation\/(\d+)"/g)].map((m) => Number(m[1]))).toEqual(byTime.slice(25));
    expect((await lead.get('/feedback/moderation?status=held')).body).toContain('Held story');
    // Nonsense in the address is ignored, never a server error.
    expect((await lead.get('/feedback/moderation?status=bogus&after=nope')).statusCode).toBe(200);
    expect((await (await signedIn(t, 'staff@example.org')).get('/feedback/moderation')).statusCode).toBe(403);
  });

  it('shows the original only to moderators in scope, and moderates it with suggested redactions', async () => {
    const id = await insertStory(t.db, s.org.northTeam.id, {
      status: 'new', published_at: null, teller_name: 'Ann Smith', public_name: 'Ann', contact_phone: '07700 900456',
      body: 'Dr Patel was kind to Ann. Ring 07700 900123 or ann@example.org. NHS 943 476 5919.',
      public_body: 'Dr Patel was kind to Ann. Ring 07700 900123 or ann@example.org. NHS 943 476 5919.',
    });
    const southLead = await createUser(t.db, 'south-lead@example.org', [{ unitId: s.org.south.id, role: 'lead' }]);
    expect(southLead).toBeGreaterThan(0);
    for (const [email, status] of [['staff@example.org', 403], ['viewer@example.org', 403], ['partner@example.org', 403], ['south-lead@example.org', 404]] as const) {
      const b = await signedIn(t, email);
      expect((await b.get(`/feedback/moderation/${id}`)).statusCode, email).toBe(status);
      expect((await b.post(`/feedback/moderation/${id}`, { action: 'publish', publicTitle: 'x', publicBody: 'x', publicName: 'x' })).statusCode, email).toBe(status);
    }
    expect((await new Browser(t.app).get(`/feedback/moderation/${id}`)).headers.location).toMatch(/^\/sign-in/);
    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.get('/feedback/moderation/99999999999')).statusCode).toBe(404);
    const page = await lead.get(`/feedback/moderation/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('nhsuk-error-message');
    expect(page.body).toContain('jo.bloggs@example.org'); // the teller's contact details, for the moderator
    expect(page.body).toContain('07700 900456');
    for (const suggestion of ['name|Dr Patel', 'name|Ann', 'phone|07700 900123', 'email|ann@example.org', 'nhs_number|943 476 5919']) expect(page.body).toContain(`value="${suggestion}"`);
    expect(await audits(id)).toEqual(['story.original_viewed']);

    const form = { publicTitle: 'Kind staff on the ward', publicBody: (await story(id)).public_body, publicGood: 'Kindness', publicBetter: 'Waiting times', publicName: 'Ann', tags: 'Kindness, waiting  times,kindness', units: String(s.org.southTeam.id) };
    // Applying redactions shows the result and saves nothing.
    const applied = await lead.post(`/feedback/moderation/${id}`, { ...form, action: 'redact', redact: 'name|Dr Patel' });
    expect(applied.statusCode).toBe(200);
    expect(applied.body).toContain('[name removed] was kind to Ann.');
    expect(applied.body).toContain('1 detail taken out');
    expect(applied.body).not.toContain('value="name|Dr Patel"');
    expect((await story(id)).public_body).toContain('Dr Patel');

    // Hold and reject need a reason.
    const noReason = await lead.post(`/feedback/moderation/${id}`, { ...form, action: 'hold' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Give a reason to hold or reject the story');
    expect(noReason.body).toContain('waiting  times');

    const body = new URLSearchParams({ ...form, publicBody: '[name removed] was kind. Ring [phone number removed].', action: 'publish', _csrf: lead.csrf });
    body.append('units', String(s.org.north.id));
    const published = await t.app.inject({ method: 'POST', url: `/feedback/moderation/${id}`, payload: body.toString(), headers: { cookie: lead.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' } });
    expect(published.statusCode).toBe(303);
    expect(published.headers.location).toBe('/feedback/moderation');
    const after = await story(id);
    expect(after).toMatchObject({ status: 'published', status_reason: null, moderated_by: s.users.lead, public_body: '[name removed] was kind. Ring [phone number removed].', public_title: 'Kind staff on the ward' });
    expect(after.published_at).not.toBeNull();
    expect(after.body).toContain('Dr Patel'); // the original is kept
    const tags = await t.db.db.selectFrom('story_tags').select('tag').where('story_id', '=', id).orderBy('tag').execute();
    expect(tags.map((r) => r.tag)).toEqual(['kindness', 'waiting times']);
    const units = await t.db.db.selectFrom('story_units').select('unit_id').where('story_id', '=', id).orderBy('unit_id').execute();
    expect(units.map((r) => r.unit_id)).toEqual([s.org.north.id, s.org.southTeam.id].sort((a, b) => a - b));

    // Holding it later keeps the first publication date and records the reason.
    expect((await lead.post(`/feedback/moderation/${id}`, { ...form, action: 'hold', reason: 'Checking with the ward' })).statusCode).toBe(303);
    expect(await story(id)).toMatchObject({ status: 'held', status_reason: 'Checking with the ward', published_at: after.published_at });
    expect((await audits(id)).filter((a) => a === 'story.moderated')).toHaveLength(2);
  });

  it('emails the nearest safeguarding contact at once, without the teller’s details, or says nobody was told', async () => {
    const admin = await createUser(t.db, 'admin@example.org', [{ unitId: s.org.trust.id, role: 'admin' }]);
    expect(admin).toBeGreaterThan(0);
    const lead = await signedIn(t, 'lead@example.org');
    // The lead sets the North contact; the North team (below it) uses it.
    expect((await lead.get(`/feedback/safeguarding-contacts?unit=${s.org.south.id}`)).statusCode).toBe(404);
    const bad = await lead.post('/feedback/safeguarding-contacts', { unitId: String(s.org.north.id), name: '', email: 'nope', action: 'save' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter the name of the contact or team');
    expect((await lead.post('/feedback/safeguarding-contacts', { unitId: String(s.org.north.id), name: 'North safeguarding team', email: 'Safe.North@example.nhs.uk', action: 'save' })).statusCode).toBe(303);
    const contacts = await lead.get('/feedback/safeguarding-contacts');
    expect(contacts.body).toContain('Uses North Borough&#39;s: North safeguarding team (safe.north@example.nhs.uk)');

    const north = await insertStory(t.db, s.org.northTeam.id, { status: 'new', published_at: null, contact_phone: '07700 900999' });
    expect((await lead.post(`/feedback/moderation/${north}/safeguarding`, { note: '' })).statusCode).toBe(400);
    const flagged = await lead.post(`/feedback/moderation/${north}/safeguarding`, { note: 'Mentions a fall at home that nobody followed up' });
    expect(flagged.statusCode).toBe(303);
    const mail = await t.db.db.selectFrom('outbox').selectAll().where('idempotency_key', '=', `story-safeguarding:${north}`).execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ recipient: 'safe.north@example.nhs.uk', channel: 'email', status: 'pending' });
    expect(mail[0]?.body_text).toContain('Mentions a fall at home');
    expect(mail[0]?.body_text).toContain(`http://localhost:3000/feedback/moderation/${north}`);
    expect(mail[0]?.body_text).toContain('North Community Team');
    for (const secret of ['jo.bloggs@example.org', '07700 900999', 'Jo Bloggs']) expect(mail[0]?.body_text).not.toContain(secret);
    expect(await story(north)).toMatchObject({ safeguarding_note: 'Mentions a fall at home that nobody followed up', safeguarding_by: s.users.lead });
    const page = await lead.get(`/feedback/moderation/${north}`);
    expect(page.body).toContain('We emailed the safeguarding contact at safe.north@example.nhs.uk');
    // Once is enough: a second flag is refused and sends nothing more.
    expect((await lead.post(`/feedback/moderation/${north}/safeguarding`, { note: 'Again' })).statusCode).toBe(400);
    expect(await t.db.db.selectFrom('outbox').select('id').execute()).toHaveLength(1);

    // No contact anywhere above the South team: the flag is kept and the moderator is told plainly.
    const south = await insertStory(t.db, s.org.southTeam.id, { status: 'new', published_at: null });
    const adminB = await signedIn(t, 'admin@example.org');
    await adminB.post(`/feedback/moderation/${south}/safeguarding`, { note: 'Worried about a child' });
    expect((await story(south)).safeguarding_at).not.toBeNull();
    expect(await t.db.db.selectFrom('outbox').select('id').execute()).toHaveLength(1);
    expect((await adminB.get(`/feedback/moderation/${south}`)).body).toContain('Nobody was emailed');
    expect((await lead.post(`/feedback/moderation/${south}/safeguarding`, { note: 'x' })).statusCode).toBe(404);

    // Clearing the contact.
    expect((await lead.post('/feedback/safeguarding-contacts', { unitId: String(s.org.north.id), action: 'clear' })).statusCode).toBe(303);
    expect(await t.db.db.selectFrom('safeguarding_contacts').select('unit_id').execute()).toHaveLength(0);
    const actions = await t.db.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'org_unit').execute();
    expect(actions.map((a) => a.action)).toEqual(['safeguarding_contact.set', 'safeguarding_contact.cleared']);
  });

  it('erases the teller’s personal data on request, after a confirmation step', async () => {
    const published = await insertStory(t.db, s.org.northTeam.id, { moderated_at: new Date().toISOString(), contact_phone: '07700 900123' });
    const fresh = await insertStory(t.db, s.org.northTeam.id, { status: 'new', published_at: null });
    const lead = await signedIn(t, 'lead@example.org');
    const confirm = await lead.post(`/feedback/moderation/${published}/erase`, {});
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('This cannot be undone');
    expect((await story(published)).erased_at).toBeNull();
    expect((await (await signedIn(t, 'staff@example.org')).post(`/feedback/moderation/${published}/erase`, { confirm: 'yes' })).statusCode).toBe(403);

    expect((await lead.post(`/feedback/moderation/${published}/erase`, { confirm: 'yes' })).statusCode).toBe(303);
    const erased = await story(published);
    expect(erased).toMatchObject({
      title: null, body: null, good: null, better: null, teller_name: null, contact_email: null, contact_phone: null,
      consent_publish: 0, naming: 'anonymous', public_name: 'Anonymous', status: 'published', public_title: 'Kind staff on the ward',
    });
    expect(erased.erased_at).not.toBeNull();
    expect((await lead.get(`/feedback/moderation/${published}`)).body).toContain('They were erased on');

    // Nobody had checked this one: its public version was still the teller's words, so it goes too.
    await lead.post(`/feedback/moderation/${fresh}/erase`, { confirm: 'yes' });
    expect(await story(fresh)).toMatchObject({ body: null, status: 'rejected', public_title: 'Story removed at the teller\'s request', public_good: null });
    expect(await audits(fresh)).toEqual(['story.erased']);
  });

  it('finds the stories a teller told by their email address or phone number, for the moderator of their units, and downloads what we hold', async () => {
    const byEmail = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Told by email', contact_email: 'jo.bloggs@example.org', safeguarding_at: new Date().toISOString(), safeguarding_note: 'Private safeguarding note' });
    const byPhone = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Told by phone', contact_email: null, contact_phone: '+44 (0)7700 900123' });
    await insertStory(t.db, s.org.southTeam.id, { public_title: 'Told in the south', contact_email: 'jo.bloggs@example.org' });
    await insertStory(t.db, s.org.northTeam.id, { public_title: 'Someone else', contact_email: 'someone@example.org', contact_phone: '07700 900999' });
    await t.db.db.insertInto('story_responses').values({
      story_id: byEmail, user_id: s.users.staff, responder_role: 'Ward manager', body: 'Thank you, Jo.', change: 'none', change_description: null,
      project_id: null, change_idea_id: null, created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
    }).execute();

    const staff = await signedIn(t, 'staff@example.org');
    expect((await staff.get('/feedback/tellers')).statusCode).toBe(403);
    expect((await staff.post('/feedback/tellers', { contact: 'jo.bloggs@example.org' })).statusCode).toBe(403);

    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.get('/feedback')).body).toContain('href="/feedback/tellers"');
    expect((await lead.get('/feedback/tellers')).statusCode).toBe(200);
    const found = await lead.post('/feedback/tellers', { contact: ' JO.Bloggs@Example.org ' });
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain('We found 1 story told with these details');
    expect(found.body).toContain(`href="/feedback/moderation/${byEmail}"`);
    expect(found.body).not.toContain('Told in the south');
    expect(found.body).not.toContain('Someone else');
    const phone = await lead.post('/feedback/tellers', { contact: '07700 900 123' });
    expect(phone.body).toContain(`href="/feedback/moderation/${byPhone}"`);
    expect(phone.body).not.toContain('Told by email');
    expect((await lead.post('/feedback/tellers', { contact: 'nobody@example.org' })).body).toContain('We found no stories');

    // Bad input: a 400 naming the field, with what was typed kept.
    const empty = await lead.post('/feedback/tellers', {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the email address or phone number they gave us');
    const nonsense = await lead.post('/feedback/tellers', { contact: 'call me maybe' });
    expect(nonsense.statusCode).toBe(400);
    expect(nonsense.body).toContain('Enter an email address, like name@example.com, or a UK phone number');
    expect(nonsense.body).toContain('value="call me maybe"');
    expect((await lead.post('/feedback/tellers/export', { contact: 'not an email@' })).statusCode).toBe(400);

    const file = await lead.post('/feedback/tellers/export', { contact: 'jo.bloggs@example.org' });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="stories-teller-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(file.headers['cache-control']).toBe('no-store');
    const held = JSON.parse(file.body) as { stories: { id: number; asTold: { email: string }; responses: { body: string }[]; safeguardingFlaggedAt: string | null }[] };
    expect(held.stories.map((x) => x.id)).toEqual([byEmail]);
    expect(held.stories[0]?.asTold.email).toBe('jo.bloggs@example.org');
    expect(held.stories[0]?.responses.map((r) => r.body)).toEqual(['Thank you, Jo.']);
    expect(held.stories[0]?.safeguardingFlaggedAt).not.toBeNull();
    expect(file.body).not.toContain('Private safeguarding note');

    // Audited without the address typed.
    const rows = await t.db.db.selectFrom('audit_log').select(['action', 'details']).where('action', 'like', 'story.teller_%').orderBy('id').execute();
    expect(rows.map((r) => r.action)).toEqual(['story.teller_searched', 'story.teller_searched', 'story.teller_searched', 'story.teller_exported']);
    expect(rows.map((r) => String(r.details)).join()).not.toContain('@');
    expect(JSON.parse(String(rows[3]?.details))).toEqual({ stories: [byEmail] });
  });
});
