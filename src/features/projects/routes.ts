import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { INVOLVEMENT_LEVELS, MEMBER_ROLES, STAGES, type InvolvementLevel, type OrgUnit, type Stage } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { can } from '../../platform/rbac/index.ts';
import projectsApiRoutes from './api.ts';
import { monthSchema, PARTNER_ROLES, portfolioQuerySchema, type PortfolioQuery } from './schemas.ts';
import * as meetings from '../meetings/service.ts';
import * as opportunities from '../opportunities/service.ts';
import * as projects from './service.ts';

const V = 'projects/views';
const idParam = (request: FastifyRequest, name = 'id'): number => Number((request.params as Record<string, string>)[name]);

/** Tag colours, so stage and involvement level can be told apart at a glance (the words are always shown too). */
const COLOURS: { stageColours: Record<Stage, string>; involvementColours: Record<InvolvementLevel, string> } = {
  stageColours: { idea: 'white', planning: 'blue', testing: 'yellow', implementing: 'orange', sustaining: 'green', spreading: 'aqua-green', closed: 'grey' },
  involvementColours: { none: 'grey', informed: 'white', consulted: 'blue', involved: 'aqua-green', co_produced: 'green', user_led: 'purple' },
};

const dayFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
/** A date (YYYY-MM-DD, already the trust's day) as people read it, e.g. "3 Jun 2025". */
const day = (d: string | null): string => (d ? dayFormat.format(new Date(`${d}T00:00:00Z`)) : '');

const memberView = (m: projects.MemberRow) => ({ ...m, name: projects.memberName(m), joinedOn: day(m.joined_on), leftOn: day(m.left_on) });

/** History rows (newest first) in words: the oldest row of each kind is where the project started. */
function historyView(rows: projects.HistoryRow[]) {
  const firsts = new Set<number>();
  const seen = new Set<string>();
  for (const h of [...rows].reverse()) {
    if (!seen.has(h.field)) firsts.add(h.id);
    seen.add(h.field);
  }
  return rows.map((h) => {
    const value = t(`${h.field === 'stage' ? 'stages' : 'involvement'}.${h.value}.name`);
    const key = `projects.history.${h.field === 'stage' ? 'stage' : 'involvement'}${firsts.has(h.id) ? 'Start' : 'Change'}`;
    return { ...h, change: t(key, { value }) };
  });
}

// ---- Form items: every option with its words from the catalogue

const stageItems = (selected?: unknown) =>
  STAGES.map((s) => ({ value: s, text: t(`stages.${s}.name`), hint: { text: t(`stages.${s}.hint`) }, checked: selected === s }));

const involvementItems = (selected?: unknown) =>
  INVOLVEMENT_LEVELS.map((l) => ({ value: l, text: t(`involvement.${l}.name`), hint: { text: t(`involvement.${l}.hint`) }, checked: selected === l }));

const roleItems = (selected?: unknown) =>
  MEMBER_ROLES.map((r) => ({ value: r, text: t(`memberRoles.${r}.name`), hint: { text: t(`memberRoles.${r}.hint`) }, checked: selected === r }));

/** Units as select options, indented by depth so the tree shows. */
function unitItems(units: OrgUnit[], selected: unknown, emptyText: string) {
  const minDepth = Math.min(...units.map((u) => u.path.split('/').length));
  return [
    { value: '', text: emptyText },
    ...units.map((u) => ({ value: String(u.id), text: `${'– '.repeat(u.path.split('/').length - minDepth)}${u.name}`, selected: String(selected ?? '') === String(u.id) })),
  ];
}

const selectItems = (values: readonly string[], catalogue: string, selected: unknown, emptyText: string) => [
  { value: '', text: emptyText },
  ...values.map((v) => ({ value: v, text: t(`${catalogue}.${v}.name`), selected: selected === v })),
];

/** The last 24 months, newest first (and the chosen one, if older), for the "as at" month. */
function monthItems(selected: string) {
  const now = projects.currentMonth();
  const [y, m] = now.split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let i = 0; i < 24; i++) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    months.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  if (!months.includes(selected)) months.push(selected);
  return months.map((value) => ({ value, text: monthName(value), selected: value === selected }));
}

const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
function monthName(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthFormat.format(new Date(Date.UTC(y, m - 1, 1)));
}

/** Filters typed into an address are applied when they make sense and dropped when they do not. */
function lenientParse<S extends z.ZodObject>(schema: S, raw: unknown): z.infer<S> {
  const input = cleanForm(raw);
  const first = schema.safeParse(input);
  if (first.success) return first.data;
  const bad = new Set(first.error.issues.map((i) => String(i.path[0])));
  const second = schema.safeParse(Object.fromEntries(Object.entries(input).filter(([k]) => !bad.has(k))));
  return second.success ? second.data : ({} as z.infer<S>);
}

function listUrl(filter: PortfolioQuery & { month?: string }, before?: number | null): string {
  const params = new URLSearchParams();
  for (const key of ['unitId', 'stage', 'programme', 'involvementLevel', 'q', 'month'] as const) {
    const value = filter[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  if (before) params.set('before', String(before));
  const qs = params.toString();
  return `/projects${qs ? `?${qs}` : ''}`;
}

const describeRow = (p: projects.ProjectRow) => ({
  id: p.id,
  title: p.title,
  unitName: p.unit_name,
  stage: p.stage,
  involvementLevel: p.involvement_level,
  programme: p.programme,
});

// ---- Form page data

async function newProjectView(request: FastifyRequest, values: Record<string, unknown>, errors: FieldError[] = []) {
  const units = await projects.unitsForNewProjects(request.ctx);
  return {
    pageTitle: t('projects.new.title'),
    action: '/projects',
    unitItems: unitItems(units, values.unitId, t('projects.form.chooseUnit')),
    stageItems: stageItems(values.stage),
    involvementItems: involvementItems(values.involvementLevel),
    programmes: await projects.programmeNames(request.ctx),
    values,
    errors,
  };
}

async function editProjectView(request: FastifyRequest, id: number, values?: Record<string, unknown>, errors: FieldError[] = []) {
  const { project, unit, canMove } = await projects.projectForEdit(request.ctx, id);
  const shown = values ?? {
    unitId: String(project.unit_id),
    title: project.title,
    aim: project.aim,
    background: project.background,
    stage: project.stage,
    programme: project.programme,
    involvementLevel: project.involvement_level,
  };
  // Staff who manage the project's unit may move it; the current unit is always offered.
  const units = canMove ? await projects.unitsForNewProjects(request.ctx) : [];
  return {
    pageTitle: t('projects.edit.title'),
    project,
    unit,
    action: `/projects/${project.id}`,
    unitItems: canMove ? unitItems(units.some((u) => u.id === unit.id) ? units : [unit, ...units], shown.unitId, t('projects.form.chooseUnit')) : undefined,
    stageItems: stageItems(shown.stage),
    involvementItems: involvementItems(shown.involvementLevel),
    programmes: await projects.programmeNames(request.ctx),
    values: shown,
    errors,
  };
}

const partnerRoleItems = (selected?: unknown) =>
  PARTNER_ROLES.map((r) => ({ value: r, text: t(`memberRoles.${r}.name`), hint: { text: t(`memberRoles.${r}.hint`) }, checked: selected === r }));

async function teamView(request: FastifyRequest, id: number, values: Record<string, unknown> = {}, errors: FieldError[] = []) {
  const { project } = await projects.projectForEdit(request.ctx, id);
  const members = await projects.teamOf(request.ctx, id);
  // The register search: from the address on the page, or kept from the form that was sent.
  const register = await projects.searchRegisterForTeam(request.ctx, id, values.registerQ);
  return {
    pageTitle: t('projects.team.title'),
    project,
    members: members.filter((m) => m.left_on == null).map(memberView),
    formerMembers: members.filter((m) => m.left_on != null).map(memberView),
    roleItems: roleItems(values.role),
    register: {
      ...register,
      personItems: register.results.map((r) => ({ value: String(r.id), text: r.name, hint: { text: r.unitName }, checked: String(values.personId ?? '') === String(r.id) })),
      partnerRoleItems: partnerRoleItems(values.partnerRole),
    },
    values,
    errors: [...errors, ...translateErrors(register.errors)],
  };
}

async function renderWithErrors(reply: FastifyReply, template: string, view: Promise<Record<string, unknown>>): Promise<FastifyReply> {
  return reply.code(400).page(template, await view);
}

export default async function projectsRoutes(app: FastifyInstance): Promise<void> {
  await app.register(projectsApiRoutes);

  // ---- The portfolio
  app.get('/projects', async (request, reply) => {
    const principal = request.principal;
    const filter = lenientParse(portfolioQuerySchema, request.query);
    const rawMonth = cleanForm(request.query).month;
    const thisMonth = projects.currentMonth();
    const month = typeof rawMonth === 'string' && monthSchema.safeParse(rawMonth).success && rawMonth <= thisMonth ? rawMonth : thisMonth;
    const mine = await projects.myProjects(request.ctx);
    const seesPortfolio = can(principal, 'projects:view');
    const view: Record<string, unknown> = {
      pageTitle: t('projects.list.title'),
      ...COLOURS,
      canCreate: can(principal, 'projects:manage'),
      seesPortfolio,
      mine: mine.map((p) => ({ ...describeRow(p), role: p.member_role })),
    };
    if (seesPortfolio) {
      const { projects: rows, nextBefore } = await projects.listProjects(request.ctx, { ...filter, limit: undefined });
      const share = await projects.involvementShare(request.ctx, { unitId: filter.unitId, month });
      const units = await projects.unitsForFilter(request.ctx);
      const programmes = await projects.programmeNames(request.ctx);
      const shown = { ...filter, month: month === thisMonth ? undefined : month };
      Object.assign(view, {
        projects: rows.map(describeRow),
        share: { ...share, monthName: monthName(month) },
        filtered: ['unitId', 'stage', 'programme', 'involvementLevel', 'q'].some((k) => filter[k as keyof PortfolioQuery] !== undefined),
        filter,
        unitItems: unitItems(units, filter.unitId, t('projects.filters.allUnits')),
        stageItems: selectItems(STAGES, 'stages', filter.stage, t('projects.filters.allStages')),
        involvementItems: selectItems(INVOLVEMENT_LEVELS, 'involvement', filter.involvementLevel, t('projects.filters.allLevels')),
        programmeItems: [
          { value: '', text: t('projects.filters.allProgrammes') },
          ...programmes.map((p) => ({ value: p, text: p, selected: p === filter.programme })),
        ],
        monthItems: monthItems(month),
        nextUrl: nextBefore ? listUrl(shown, nextBefore) : undefined,
        firstPageUrl: filter.before ? listUrl(shown) : undefined,
      });
    }
    return reply.page(`${V}/list.njk`, view);
  });

  // ---- Start a project
  app.get('/projects/new', async (request, reply) => {
    const { unit } = request.query as { unit?: string };
    return reply.page(`${V}/new.njk`, await newProjectView(request, { unitId: unit }));
  });

  app.post('/projects', async (request, reply) => {
    const input = cleanForm(request.body);
    try {
      const project = await projects.createProject(request.ctx, input);
      reply.flash(t('projects.new.done', { title: project.title }));
      return reply.redirect(`/projects/${project.id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderWithErrors(reply, `${V}/new.njk`, newProjectView(request, input, translateErrors(err.fields)));
    }
  });

  // ---- One project
  app.get('/projects/:id', async (request, reply) => {
    const p = await projects.getProject(request.ctx, idParam(request));
    const wanted = await opportunities.opportunitiesForProject(request.ctx, p.project.id);
    const forumVisits = await meetings.forumVisits(request.ctx, p.project.id);
    return reply.page(`${V}/project.njk`, {
      forumVisits,
      opportunities: wanted.opportunities.map((o) => ({ ...o, closesOn: day(o.closesOn) })),
      canAskPartner: wanted.canAsk,
      pageTitle: p.project.title,
      project: p.project,
      unit: p.unit,
      canEdit: p.canEdit,
      members: p.members.map(memberView),
      formerMembers: p.formerMembers.map(memberView),
      history: historyView(p.history),
      ...COLOURS,
    });
  });

  app.get('/projects/:id/edit', async (request, reply) => reply.page(`${V}/edit.njk`, await editProjectView(request, idParam(request))));

  app.post('/projects/:id', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await projects.updateProject(request.ctx, id, input, 'replace');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderWithErrors(reply, `${V}/edit.njk`, editProjectView(request, id, input, translateErrors(err.fields)));
    }
    reply.flash(t('projects.edit.done'));
    return reply.redirect(`/projects/${id}`, 303);
  });

  // ---- The team
  app.get('/projects/:id/team', async (request, reply) => {
    const { registerQ } = cleanForm(request.query);
    const view = await teamView(request, idParam(request), { registerQ });
    return view.errors.length ? reply.code(400).page(`${V}/team.njk`, view) : reply.page(`${V}/team.njk`, view);
  });

  app.post('/projects/:id/team/from-register', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await projects.addMemberFromRegister(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderWithErrors(reply, `${V}/team.njk`, teamView(request, id, input, translateErrors(err.fields)));
    }
    reply.flash(t('projects.team.added'));
    return reply.redirect(`/projects/${id}/team`, 303);
  });

  app.post('/projects/:id/team', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await projects.addMember(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderWithErrors(reply, `${V}/team.njk`, teamView(request, id, input, translateErrors(err.fields)));
    }
    reply.flash(t('projects.team.added'));
    return reply.redirect(`/projects/${id}/team`, 303);
  });

  app.post('/projects/:id/team/:memberId/remove', async (request, reply) => {
    const id = idParam(request);
    const member = await projects.removeMember(request.ctx, id, idParam(request, 'memberId'));
    reply.flash(t('projects.team.removed', { name: projects.memberName(member) }));
    return reply.redirect(`/projects/${id}/team`, 303);
  });
}
