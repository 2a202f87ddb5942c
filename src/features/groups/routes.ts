import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GROUP_ROLES } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { listQuerySchema } from './schemas.ts';
import * as groups from './service.ts';

const V = 'groups/views';
const idParam = (request: FastifyRequest, name = 'id'): number => Number((request.params as Record<string, string>)[name]);

export const roleItems = (selected?: unknown) => GROUP_ROLES.map((r) => ({ value: r, text: t(`groups.roles.${r}`), checked: selected === r }));

const memberView = (m: groups.MemberRow & { name: string; personHref: string | undefined }) => ({ ...m, joinedOn: groups.dayText(m.joined_on), leftOn: groups.dayText(m.left_on), roleName: t(`groups.roles.${m.role}`) });

async function formView(request: FastifyRequest, values: Record<string, unknown>, errors: FieldError[], groupId?: number) {
  const units = await groups.manageableUnits(request.ctx);
  return {
    pageTitle: groupId ? t('groups.edit.title') : t('groups.new.title'),
    action: groupId ? `/groups/${groupId}` : '/groups',
    cancel: groupId ? `/groups/${groupId}` : '/groups',
    groupId,
    unitItems: groups.unitItems(units, values.unitId, t('groups.form.chooseUnit')),
    values,
    errors,
  };
}

async function addMemberView(request: FastifyRequest, id: number, values: Record<string, unknown>, errors: FieldError[] = []) {
  const group = await groups.groupForEdit(request.ctx, id);
  return {
    pageTitle: t('groups.addMember.title'),
    group,
    roleItems: roleItems(values.role ?? 'member'),
    searchAction: `/groups/${id}/members/new`,
    ...(await groups.personPicker(request.ctx, values, cleanForm(request.query).q)),
    values: { joinedOn: groups.londonDate(), ...values },
    errors,
  };
}

async function memberPageView(request: FastifyRequest, id: number, memberId: number, values: Record<string, unknown> = {}, errors: FieldError[] = []) {
  const { group, member } = await groups.memberForEdit(request.ctx, id, memberId);
  return {
    pageTitle: t('groups.member.title', { name: member.name }),
    group,
    member: memberView(member),
    roleItems: roleItems(values.role ?? member.role),
    values: { leftOn: groups.londonDate(), ...values },
    errors,
  };
}

async function withErrors(reply: FastifyReply, template: string, view: Promise<Record<string, unknown>>): Promise<FastifyReply> {
  return reply.code(400).page(template, await view);
}

export default async function groupsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/groups', async (request, reply) => {
    const parsed = listQuerySchema.safeParse(cleanForm(request.query));
    const filter = parsed.success ? parsed.data : {};
    const archived = filter.archived === 'yes';
    const { groups: rows, nextBefore, canCreate } = await groups.listGroups(request.ctx, { archived, before: filter.before });
    return reply.page(`${V}/list.njk`, {
      pageTitle: archived ? t('groups.list.archivedTitle') : t('groups.list.title'),
      archived,
      canCreate,
      groups: rows,
      nextUrl: nextBefore ? `/groups?${archived ? 'archived=yes&' : ''}before=${nextBefore}` : undefined,
      firstPageUrl: filter.before ? `/groups${archived ? '?archived=yes' : ''}` : undefined,
    });
  });

  app.get('/groups/new', async (request, reply) => {
    const { unit } = cleanForm(request.query);
    return reply.page(`${V}/form.njk`, await formView(request, { unitId: unit }, []));
  });

  app.post('/groups', async (request, reply) => {
    const input = cleanForm(request.body);
    try {
      const id = await groups.createGroup(request.ctx, input);
      reply.flash(t('groups.new.done'));
      return reply.redirect(`/groups/${id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/form.njk`, formView(request, input, translateErrors(err.fields)));
    }
  });

  app.get('/groups/:id', async (request, reply) => {
    const g = await groups.getGroup(request.ctx, idParam(request));
    return reply.page(`${V}/group.njk`, {
      pageTitle: g.group.name,
      group: g.group,
      canManage: g.canManage,
      members: g.members.map(memberView),
      formerMembers: g.formerMembers.map(memberView),
    });
  });

  app.get('/groups/:id/edit', async (request, reply) => {
    const id = idParam(request);
    const group = await groups.groupForEdit(request.ctx, id);
    const values = { unitId: String(group.unit_id), name: group.name, purpose: group.purpose, termsOfReference: group.terms_of_reference, cadence: group.cadence };
    return reply.page(`${V}/form.njk`, await formView(request, values, [], id));
  });

  app.post('/groups/:id', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await groups.updateGroup(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      await groups.groupForEdit(request.ctx, id);
      return withErrors(reply, `${V}/form.njk`, formView(request, input, translateErrors(err.fields), id));
    }
    reply.flash(t('groups.edit.done'));
    return reply.redirect(`/groups/${id}`, 303);
  });

  app.post('/groups/:id/archive', async (request, reply) => {
    const id = idParam(request);
    const restore = cleanForm(request.body).restore === 'yes';
    await groups.setGroupArchived(request.ctx, id, !restore);
    reply.flash(t(restore ? 'groups.archive.restored' : 'groups.archive.done'));
    return reply.redirect(`/groups/${id}`, 303);
  });

  // ---- Members
  app.get('/groups/:id/members/new', async (request, reply) => reply.page(`${V}/add-member.njk`, await addMemberView(request, idParam(request), cleanForm(request.query))));

  app.post('/groups/:id/members', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await groups.addMember(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/add-member.njk`, addMemberView(request, id, input, translateErrors(err.fields)));
    }
    reply.flash(t('groups.addMember.done'));
    return reply.redirect(`/groups/${id}`, 303);
  });

  app.get('/groups/:id/members/:memberId', async (request, reply) =>
    reply.page(`${V}/member.njk`, await memberPageView(request, idParam(request), idParam(request, 'memberId'))),
  );

  app.post('/groups/:id/members/:memberId', async (request, reply) => {
    const id = idParam(request);
    const memberId = idParam(request, 'memberId');
    const input = cleanForm(request.body);
    try {
      await groups.changeMemberRole(request.ctx, id, memberId, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/member.njk`, memberPageView(request, id, memberId, input, translateErrors(err.fields)));
    }
    reply.flash(t('groups.member.roleChanged'));
    return reply.redirect(`/groups/${id}`, 303);
  });

  app.post('/groups/:id/members/:memberId/leave', async (request, reply) => {
    const id = idParam(request);
    const memberId = idParam(request, 'memberId');
    const input = cleanForm(request.body);
    try {
      await groups.recordLeaving(request.ctx, id, memberId, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/member.njk`, memberPageView(request, id, memberId, input, translateErrors(err.fields)));
    }
    reply.flash(t('groups.member.leftDone'));
    return reply.redirect(`/groups/${id}`, 303);
  });
}
