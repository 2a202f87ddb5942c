import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NAMINGS, STORY_STATUSES, TELLER_ROLES, type StoryStatus } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import * as stories from './service.ts';

const V = 'stories/views';
const idParam = (request: FastifyRequest): number => Number((request.params as Record<string, string>).id);

const londonDateTime = (iso: string | null): string =>
  iso ? new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' }).format(new Date(iso)) : '';
const londonDay = (iso: string | null): string =>
  iso ? new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(new Date(iso)) : '';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Text as paragraphs, escaped, a blank line or a line break starting a new one. */
const paragraphs = (text: string | null): string =>
  (text ?? '').split(/\r?\n+/).map((p) => p.trim()).filter(Boolean).map((p) => `<p>${escapeHtml(p)}</p>`).join('');

const STATUS_COLOURS: Record<StoryStatus, string> = { new: 'blue', held: 'yellow', published: 'green', rejected: 'red' };
const statusTag = (s: StoryStatus) => ({ text: t(`stories.statuses.${s}`), classes: `nhsuk-tag--${STATUS_COLOURS[s]}` });

// ---- Telling a story

type Mode = 'public' | 'staff';
const FORM_ACTION: Record<Mode, string> = { public: '/stories/new', staff: '/feedback/stories/new' };

/** A many-valued form field as a list of strings. */
const many = (v: unknown): string[] => (v == null ? [] : (Array.isArray(v) ? v : [v]).map(String));

async function tellView(request: FastifyRequest, mode: Mode, values: Record<string, unknown>, errors: FieldError[] = [], extra: Record<string, unknown> = {}) {
  const chosen = values.unitId != null ? Number(values.unitId) : undefined;
  const picker = await stories.unitPicker(request.ctx, values.unitSearch, chosen ? [chosen] : []);
  const self = mode === 'public';
  const unitItems = picker.choices.map((u) => ({
    value: String(u.id),
    text: u.name,
    hint: u.parent_name ? { text: t('stories.form.partOf', { name: u.parent_name }) } : undefined,
    checked: chosen === u.id,
  }));
  if (picker.rootId != null) {
    if (unitItems.length) unitItems.push({ divider: t('stories.form.or') } as never);
    unitItems.push({ value: String(picker.rootId), text: t(self ? 'stories.form.notSure' : 'stories.form.notSureStaff'), hint: undefined, checked: chosen === picker.rootId });
  }
  return {
    pageTitle: self ? t('stories.tell.title') : t('stories.enter.title'),
    mode,
    self,
    action: FORM_ACTION[mode],
    honeypot: stories.HONEYPOT,
    search: picker.search,
    searched: picker.search !== undefined,
    searchError: picker.searchError ? t(picker.searchError) : undefined,
    more: picker.more,
    noMatches: picker.search !== undefined && picker.choices.length === 0,
    unitItems,
    roleItems: TELLER_ROLES.map((r) => ({ value: r, text: t(`stories.tellerRoles.${self ? 'self' : 'other'}.${r}`), checked: values.tellerRole === r })),
    consentItems: ['yes', 'no'].map((v) => ({ value: v, text: t(`stories.form.consent.${self ? 'self' : 'other'}.${v}`), checked: values.consentPublish === v })),
    namingItems: NAMINGS.map((n) => ({ value: n, text: t(`stories.namings.${self ? 'self' : 'other'}.${n}`), checked: values.naming === n })),
    sourceItems: stories.STAFF_SOURCES.map((s) => ({ value: s, text: t(`stories.sources.${s}`), checked: values.source === s })),
    values,
    errors,
    ...extra,
  };
}

async function tellPost(request: FastifyRequest, reply: FastifyReply, mode: Mode): Promise<FastifyReply> {
  const input = cleanForm(request.body);
  const template = `${V}/tell.njk`;
  // Searching for a service re-shows the form with everything typed kept; nothing is saved.
  if (input.action === 'search') return reply.page(template, await tellView(request, mode, input));
  try {
    if (mode === 'public') {
      await stories.tellStory(request.ctx, input);
      return await reply.redirect('/stories/new/thanks', 303);
    }
    await stories.enterStory(request.ctx, input);
    reply.flash(t('stories.enter.done'));
    return await reply.redirect('/feedback', 303);
  } catch (err) {
    if (err instanceof stories.TooManyStoriesError) {
      return reply.code(429).page(template, await tellView(request, mode, input, [], { tooMany: true, waitMinutes: stories.STORY_RATE_WINDOW_MS / 60_000 }));
    }
    if (!(err instanceof ValidationError)) throw err;
    return reply.code(400).page(template, await tellView(request, mode, input, translateErrors(err.fields)));
  }
}

// ---- Moderation

function queueUrl(status: StoryStatus, after?: string): string {
  const params = new URLSearchParams();
  if (status !== 'new') params.set('status', status);
  if (after) params.set('after', after);
  const s = params.toString();
  return `/feedback/moderation${s ? `?${s}` : ''}`;
}

const fieldName = (f: stories.PublicField): string => t(`stories.moderate.fields.${f}`);

async function moderateView(request: FastifyRequest, id: number, form?: Record<string, unknown>, errors: FieldError[] = [], extra: Record<string, unknown> = {}) {
  const page = await stories.moderationPage(request.ctx, id);
  const { story } = page;
  const values = form ?? {
    publicTitle: story.public_title,
    publicBody: story.public_body,
    publicGood: story.public_good,
    publicBetter: story.public_better,
    publicName: story.public_name,
    tags: page.tags.join(', '),
  };
  const chosenUnits = form ? many(form.units).map(Number) : page.units.map((u) => u.id);
  const picker = await stories.unitPicker(request.ctx, form?.unitSearch, chosenUnits);
  const suggestions = stories.redactionSuggestions(values, story.teller_name);
  return {
    pageTitle: t('stories.moderate.title', { title: story.public_title }),
    story,
    bodyHtml: paragraphs(story.body),
    statusTag: statusTag(story.status),
    receivedText: londonDateTime(story.received_at),
    sourceText: t(`stories.sources.${story.source}`),
    roleText: t(`stories.tellerRoles.short.${story.teller_role}`),
    namingText: t(`stories.namings.other.${story.naming}`),
    consentText: story.consent_publish ? t('stories.moderate.consentYes') : t('stories.moderate.consentNo'),
    enteredBy: page.enteredBy,
    moderatedText: story.moderated_at ? t('stories.moderate.moderatedBy', { name: page.moderatedBy ?? t('stories.moderate.someone'), when: londonDateTime(story.moderated_at) }) : null,
    erasedText: story.erased_at ? t('stories.moderate.erasedOn', { when: londonDay(story.erased_at) }) : null,
    safeguarding: story.safeguarding_at
      ? {
          text: t('stories.safeguarding.flaggedBy', { name: page.safeguardingBy ?? t('stories.moderate.someone'), when: londonDateTime(story.safeguarding_at) }),
          note: story.safeguarding_note,
          sentTo: page.safeguardingSentTo,
        }
      : null,
    suggestionItems: suggestions.map((s) => ({
      value: s.value,
      text: t('stories.redaction.item', { kind: t(`stories.redaction.kinds.${s.kind}`), text: s.text }),
      hint: { text: t('stories.redaction.foundIn', { fields: s.fields.map(fieldName).join(', ') }) },
    })),
    tagsHint: page.popularTags.length ? t('stories.moderate.tagsUsed', { tags: page.popularTags.join(', ') }) : t('stories.moderate.tagsHint'),
    unitItems: picker.choices
      .filter((u) => u.id !== story.unit_id)
      .map((u) => ({
        value: String(u.id),
        text: u.name,
        hint: u.parent_name ? { text: t('stories.form.partOf', { name: u.parent_name }) } : undefined,
        checked: chosenUnits.includes(u.id),
      })),
    unitSearch: picker.search,
    unitSearched: picker.search !== undefined,
    unitMore: picker.more,
    unitSearchError: picker.searchError ? t(picker.searchError) : undefined,
    values: { ...values, reason: form?.reason, note: form?.note },
    errors,
    ...extra,
  };
}

/** The form's fields kept when it is shown again, without the buttons and ticks. */
function moderationForm(input: Record<string, unknown>): Record<string, unknown> {
  const { action: _action, redact: _redact, ...rest } = input;
  return { ...rest, units: many(input.units), unitSearch: input.action === 'findUnits' ? input.unitSearch : undefined };
}

export default async function storiesRoutes(app: FastifyInstance): Promise<void> {
  // ---- The public form: no account needed
  app.get('/stories/new', { config: { public: true } }, async (request, reply) => {
    const query = cleanForm(request.query);
    return reply.page(`${V}/tell.njk`, await tellView(request, 'public', { unitSearch: query.unitSearch, unitId: query.unitId }));
  });
  app.post('/stories/new', { config: { public: true } }, async (request, reply) => tellPost(request, reply, 'public'));
  app.get('/stories/new/thanks', { config: { public: true } }, async (_request, reply) => reply.page(`${V}/thanks.njk`, { pageTitle: t('stories.thanks.title') }));

  // ---- Staff enter a story for someone
  app.get('/feedback/stories/new', async (request, reply) => {
    stories.mayEnterStories(request.ctx);
    const query = cleanForm(request.query);
    return reply.page(`${V}/tell.njk`, await tellView(request, 'staff', { unitSearch: query.unitSearch, unitId: query.unitId }));
  });
  app.post('/feedback/stories/new', async (request, reply) => {
    stories.mayEnterStories(request.ctx);
    return tellPost(request, reply, 'staff');
  });

  // ---- The staff hub
  app.get('/feedback', async (request, reply) => {
    const hub = await stories.feedbackHub(request.ctx);
    const link = (key: string, href: string, extra: Record<string, unknown> = {}) => ({
      href,
      heading: t(`stories.hub.links.${key}.heading`),
      description: t(`stories.hub.links.${key}.description`, extra),
    });
    const sections = [
      {
        heading: t('stories.hub.sections.moderate'),
        links: hub.mayModerate
          ? [link('moderation', '/feedback/moderation', { count: hub.newCount }), link('texts', '/feedback/texts', { count: hub.textCount }), link('tellers', '/feedback/tellers'), link('contacts', '/feedback/safeguarding-contacts')]
          : [],
      },
      {
        heading: t('stories.hub.sections.respond'),
        links: [
          link('stories', '/feedback/stories'),
          ...(hub.mayRespond ? [link('enter', '/feedback/stories/new'), link('discussions', '/feedback/discussions')] : []),
        ],
      },
      { heading: t('stories.hub.sections.keepUp'), links: [link('forYou', '/feedback/for-you'), link('following', '/feedback/following'), link('measures', '/feedback/measures')] },
      { heading: t('stories.hub.sections.public'), links: [link('public', '/stories'), link('youSaid', '/you-said-we-did')] },
    ].filter((s) => s.links.length > 0);
    return reply.page(`${V}/hub.njk`, { pageTitle: t('stories.hub.title'), sections });
  });

  // ---- The moderation queue
  app.get('/feedback/moderation', async (request, reply) => {
    const query = stories.parseQueueQuery(cleanForm(request.query));
    const queue = await stories.moderationQueue(request.ctx, query);
    return reply.page(`${V}/queue.njk`, {
      pageTitle: t('stories.queue.title'),
      status: query.status,
      statusName: t(`stories.statuses.${query.status}`),
      statusItems: STORY_STATUSES.map((s) => ({ value: s, text: t(`stories.statuses.${s}`), selected: query.status === s })),
      total: queue.total,
      stories: queue.stories.map((s) => ({
        ...s,
        href: `/feedback/moderation/${s.id}`,
        receivedText: londonDateTime(s.received_at),
        sourceText: t(`stories.sources.${s.source}`),
        tag: statusTag(s.status),
      })),
      nextUrl: queue.next ? queueUrl(query.status, queue.next) : undefined,
      firstPageUrl: query.after ? queueUrl(query.status) : undefined,
    });
  });

  // ---- Texts to tellers, sent by hand
  app.get('/feedback/texts', async (request, reply) => {
    const { after } = cleanForm(request.query);
    const page = await stories.textsToSend(request.ctx, after);
    return reply.page(`${V}/texts.njk`, {
      pageTitle: t('stories.texts.title'),
      total: page.total,
      texts: page.texts.map((m) => ({ ...m, queued: londonDateTime(m.created_at) })),
      nextUrl: page.nextAfter ? `/feedback/texts?after=${page.nextAfter}` : undefined,
      firstPageUrl: after ? '/feedback/texts' : undefined,
    });
  });

  app.post('/feedback/texts/:id/sent', async (request, reply) => {
    const changed = await stories.markTextSent(request.ctx, idParam(request));
    reply.flash(t(changed ? 'stories.texts.markedSent' : 'stories.texts.alreadySent'));
    return reply.redirect('/feedback/texts', 303);
  });

  // ---- A teller's request: find the stories they told, download what we hold about them
  const tellersView = (values: Record<string, unknown> = {}, errors: FieldError[] = [], found?: stories.TellerLookup) => ({
    pageTitle: t('stories.tellers.title'),
    values,
    errors,
    found: found && found.stories.map((s) => ({
      ...s,
      href: `/feedback/moderation/${s.id}`,
      receivedText: londonDateTime(s.received_at),
      statusText: t(`stories.statuses.${s.status}`) + (s.erased_at ? ` (${t('stories.tellers.erased')})` : ''),
    })),
  });

  app.get('/feedback/tellers', async (request, reply) => {
    stories.mayLookUpTellers(request.ctx);
    return reply.page(`${V}/tellers.njk`, tellersView());
  });

  app.post('/feedback/tellers', async (request, reply) => {
    const input = cleanForm(request.body);
    try {
      return await reply.page(`${V}/tellers.njk`, tellersView(input, [], await stories.findTellerStories(request.ctx, input)));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/tellers.njk`, tellersView(input, translateErrors(err.fields)));
    }
  });

  app.post('/feedback/tellers/export', async (request, reply) => {
    const input = cleanForm(request.body);
    try {
      const file = await stories.tellerExport(request.ctx, input);
      return await reply.header('content-type', 'application/json; charset=utf-8').header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'no-store').send(file.body);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/tellers.njk`, tellersView(input, translateErrors(err.fields)));
    }
  });

  // ---- One story
  app.get('/feedback/moderation/:id', async (request, reply) => reply.page(`${V}/moderate.njk`, await moderateView(request, idParam(request))));

  app.post('/feedback/moderation/:id', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    const form = moderationForm(input);
    // Applying redactions or looking for units shows the form again; nothing is saved until a decision.
    if (input.action === 'redact') {
      const applied = stories.applyRedactions(form, input.redact);
      const count = many(input.redact).length;
      return reply.page(`${V}/moderate.njk`, await moderateView(request, id, applied, [], { applied: count ? t('stories.redaction.applied', { count }) : t('stories.redaction.noneTicked') }));
    }
    if (input.action === 'findUnits') return reply.page(`${V}/moderate.njk`, await moderateView(request, id, form));
    try {
      const action = await stories.moderate(request.ctx, id, input);
      reply.flash(t(`stories.moderate.done.${action}`));
      return await reply.redirect(action === 'save' ? `/feedback/moderation/${id}` : '/feedback/moderation', 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/moderate.njk`, await moderateView(request, id, form, translateErrors(err.fields)));
    }
  });

  app.post('/feedback/moderation/:id/safeguarding', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      const outcome = await stories.flagSafeguarding(request.ctx, id, input);
      reply.flash(outcome.contact ? t('stories.safeguarding.sent', outcome.contact) : t('stories.safeguarding.flaggedNoContact'));
      return await reply.redirect(`/feedback/moderation/${id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/moderate.njk`, await moderateView(request, id, undefined, translateErrors(err.fields), { safeguardingNote: input.note }));
    }
  });

  app.post('/feedback/moderation/:id/erase', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    if (input.confirm !== 'yes') {
      const story = await stories.storyToErase(request.ctx, id);
      return reply.page(`${V}/erase.njk`, { pageTitle: t('stories.erase.title'), story, receivedText: londonDay(story.received_at) });
    }
    const erased = await stories.eraseTeller(request.ctx, id);
    reply.flash(erased ? t('stories.erase.done') : t('stories.erase.already'));
    return reply.redirect(`/feedback/moderation/${id}`, 303);
  });

  // ---- Safeguarding contacts
  const contactsView = async (request: FastifyRequest, query: { unit?: unknown; after?: unknown }, values?: Record<string, unknown>, errors: FieldError[] = []) => {
    const page = await stories.contactsPage(request.ctx, query);
    const editing = page.editing;
    return {
      pageTitle: t('stories.contacts.title'),
      units: page.units.map((u) => ({
        ...u,
        href: `/feedback/safeguarding-contacts?unit=${u.id}#contact-form`, indentedName: `${'— '.repeat(u.depth)}${u.name}`,
        contactText: u.contact
          ? t('stories.contacts.own', u.contact)
          : u.inherited
            ? t('stories.contacts.inherited', { name: u.inherited.name, email: u.inherited.email, unit: u.inherited.unitName })
            : t('stories.contacts.noContact'),
      })),
      editing,
      values: values ?? (editing?.contact ? { name: editing.contact.name, email: editing.contact.email } : {}),
      nextUrl: page.next ? `/feedback/safeguarding-contacts?after=${encodeURIComponent(page.next)}` : undefined,
      firstPageUrl: query.after ? '/feedback/safeguarding-contacts' : undefined,
      errors,
    };
  };

  app.get('/feedback/safeguarding-contacts', async (request, reply) => {
    const query = cleanForm(request.query);
    return reply.page(`${V}/contacts.njk`, await contactsView(request, { unit: query.unit, after: query.after }));
  });

  app.post('/feedback/safeguarding-contacts', async (request, reply) => {
    const input = cleanForm(request.body);
    try {
      const unit = await stories.setContact(request.ctx, input, input.action === 'clear');
      reply.flash(t(input.action === 'clear' ? 'stories.contacts.cleared' : 'stories.contacts.saved', { unit: unit.name }));
      return await reply.redirect('/feedback/safeguarding-contacts', 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/contacts.njk`, await contactsView(request, { unit: input.unitId }, input, translateErrors(err.fields)));
    }
  });
}
