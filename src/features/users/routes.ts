import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRecordId } from '../../platform/db/index.ts';
import { ROLES } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, parseInput, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { inviteSchema, roleGrantSchema } from './schemas.ts';
import * as users from './service.ts';

const V = 'users/views';

const idParam = (request: FastifyRequest, name = 'id'): number => Number((request.params as Record<string, string>)[name]);

const roleItems = (selected?: unknown) =>
  ROLES.map((r) => ({ value: r, text: t(`roles.names.${r}`), hint: { text: t(`roles.hints.${r}`) }, checked: selected === r }));

/** Units as select options, indented by depth so the tree shows ("/1/4/9/" is three deep). */
async function unitItems(request: FastifyRequest, selected?: unknown) {
  const units = await users.assignableUnits(request.ctx);
  const minDepth = Math.min(...units.map((u) => u.path.split('/').length));
  return [
    { value: '', text: t('users.chooseUnit') },
    ...units.map((u) => ({
      value: String(u.id),
      text: `${'– '.repeat(u.path.split('/').length - minDepth)}${u.name}`,
      selected: String(selected ?? '') === String(u.id),
    })),
  ];
}

function listUrl(q: string | undefined, after?: number): string {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (after) params.set('after', String(after));
  const qs = params.toString();
  return `/admin/users${qs ? `?${qs}` : ''}`;
}

export default async function usersRoutes(app: FastifyInstance): Promise<void> {
  app.get('/admin/users', async (request, reply) => {
    const query = request.query as { q?: string; after?: string };
    const search = typeof query.q === 'string' && query.q.trim() !== '' ? query.q.trim().slice(0, 100) : undefined;
    const afterNum = Number(query.after);
    const after = isRecordId(afterNum) ? afterNum : undefined;
    const { users: rows, nextAfter } = await users.listUsers(request.ctx, { after, search });
    return reply.page(`${V}/list.njk`, {
      pageTitle: t('users.list.title'),
      users: rows,
      search,
      firstPageUrl: after ? listUrl(search) : undefined,
      nextUrl: nextAfter ? listUrl(search, nextAfter) : undefined,
    });
  });

  const inviteForm = async (request: FastifyRequest, values: Record<string, unknown> = {}, errors: FieldError[] = []) => ({
    pageTitle: t('users.invite.title'),
    unitItems: await unitItems(request, values.unitId),
    roleItems: roleItems(values.role),
    values,
    errors,
  });

  app.get('/admin/users/invite', async (request, reply) => reply.page(`${V}/invite.njk`, await inviteForm(request)));

  app.post('/admin/users/invite', async (request, reply) => {
    const input = cleanForm(request.body);
    const parsed = parseInput(inviteSchema, input);
    if (!parsed.ok) return reply.code(400).page(`${V}/invite.njk`, await inviteForm(request, input, parsed.errors));
    try {
      const id = await users.inviteUser(request.ctx, parsed.data);
      reply.flash(t('users.invite.done', { email: parsed.data.email }));
      return reply.redirect(`/admin/users/${id}`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return reply.code(400).page(`${V}/invite.njk`, await inviteForm(request, input, translateErrors(err.fields)));
      throw err;
    }
  });

  /** The person's page, also used to show what went wrong with one of its forms. */
  const showUser = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, unknown> = {}, errors: FieldError[] = []) => {
    const { user, grants } = await users.getUser(request.ctx, idParam(request));
    return reply.page(`${V}/user.njk`, {
      pageTitle: user.name,
      user,
      grants: grants.map((g) => ({ ...g, roleName: t(`roles.names.${g.role}`) })),
      isSelf: user.id === request.principal?.userId,
      unitItems: await unitItems(request, values.unitId),
      roleItems: roleItems(values.role),
      values,
      errors,
    });
  };

  app.get('/admin/users/:id', async (request, reply) => showUser(request, reply));

  /** Runs a change, then post/redirect/get with a flash; a rule the service refuses re-renders the page. */
  const change = async (
    request: FastifyRequest,
    reply: FastifyReply,
    action: () => Promise<string>,
    options: { values?: Record<string, unknown>; errorField?: string } = {},
  ) => {
    try {
      const message = await action();
      reply.flash(message);
      return reply.redirect(`/admin/users/${idParam(request)}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const errors = translateErrors(err.fields).map((e) => (options.errorField ? { ...e, field: options.errorField } : e));
      return showUser(request, reply.code(400), options.values, errors);
    }
  };

  app.post('/admin/users/:id/roles', async (request, reply) => {
    const input = cleanForm(request.body);
    const parsed = parseInput(roleGrantSchema, input);
    if (!parsed.ok) return showUser(request, reply.code(400), input, parsed.errors);
    return change(request, reply, async () => {
      await users.grantRole(request.ctx, idParam(request), parsed.data);
      return t('users.roles.added');
    }, { values: input });
  });

  app.post('/admin/users/:id/roles/:grantId/delete', async (request, reply) =>
    change(request, reply, async () => {
      await users.revokeRole(request.ctx, idParam(request), idParam(request, 'grantId'));
      return t('users.roles.removed');
    }, { errorField: 'roles' }),
  );

  app.post('/admin/users/:id/disable', async (request, reply) =>
    change(request, reply, async () => {
      await users.setDisabled(request.ctx, idParam(request), true);
      return t('users.status.disabledDone');
    }, { errorField: 'account-status' }),
  );

  app.post('/admin/users/:id/enable', async (request, reply) =>
    change(request, reply, async () => {
      await users.setDisabled(request.ctx, idParam(request), false);
      return t('users.status.enabledDone');
    }, { errorField: 'account-status' }),
  );

  app.post('/admin/users/:id/invite', async (request, reply) =>
    change(request, reply, async () => {
      await users.resendInvitation(request.ctx, idParam(request));
      return t('users.resend.done');
    }, { errorField: 'account-status' }),
  );

  // Subject access: a download of everything held about the account.
  app.get('/admin/users/:id/export', async (request, reply) => {
    const data = await users.exportUser(request.ctx, idParam(request));
    return reply
      .header('content-disposition', `attachment; filename="alongside-user-${idParam(request)}.json"`)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2));
  });

  // Erasure asks first: it cannot be undone.
  app.get('/admin/users/:id/erase', async (request, reply) => {
    const { user } = await users.getUser(request.ctx, idParam(request));
    return reply.page(`${V}/erase.njk`, { pageTitle: t('users.erase.title', { name: user.name }), user });
  });
  app.post('/admin/users/:id/erase', async (request, reply) => {
    try {
      await users.eraseUser(request.ctx, idParam(request));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return showUser(request, reply.code(400), undefined, translateErrors(err.fields));
    }
    reply.flash(t('users.erase.done'));
    return reply.redirect('/admin/users', 303);
  });
}
