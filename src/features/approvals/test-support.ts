import type { Insertable } from 'kysely';
import { Browser, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { loadPrincipal } from '../../platform/auth/sessions.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { ClaimLine, PersonTable } from '../../platform/db/types.ts';

/** Records and helpers for the approvals tests (not a test file itself). */

/** The test organisation with everyone who takes part in approving a North claim. */
export async function seedApprovals(t: TestApp) {
  const org = await seedOrg(t.db);
  const users = {
    lead: await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Lee Lead'),
    otherLead: await createUser(t.db, 'lead2@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Lou Lead'),
    southLead: await createUser(t.db, 'south-lead@example.org', [{ unitId: org.south.id, role: 'lead' }], 'Sue South'),
    budget: await createUser(t.db, 'budget@example.org', [{ unitId: org.north.id, role: 'budget_holder' }], 'Bo Budget'),
    finance: await createUser(t.db, 'finance@example.org', [{ unitId: org.trust.id, role: 'finance' }], 'Fin Finance'),
    admin: await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }], 'Ada Admin'),
    staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Sam Staff'),
  };
  return { org, users };
}

/** Someone in the register who has agreed to be contacted by email (unless told otherwise). */
export async function insertClaimant(t: TestApp, unitId: number, fullName: string, over: Partial<Insertable<PersonTable>> = {}, opts: { consent?: boolean } = {}): Promise<number> {
  const now = nowIso();
  const { id } = await t.db.db
    .insertInto('people')
    .values({
      unit_id: unitId, full_name: fullName, preferred_channel: 'email', email: `${fullName.toLowerCase().replace(/\W+/g, '.')}@example.org`, format: 'standard',
      relationship: 'carer', anonymity: 'full_name', payment_preference: 'involvement_rate', status: 'active', created_at: now, updated_at: now, ...over,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (opts.consent ?? true) {
    await t.db.db.insertInto('consents').values({ person_id: id, kind: 'contact', given: 1, method: 'written', note: null, recorded_at: now, recorded_by: null }).execute();
  }
  return id;
}

export async function signedIn(t: TestApp, email: string): Promise<Browser> {
  const b = new Browser(t.app);
  await b.signIn(email);
  await b.get('/');
  return b;
}

/** What a service call would receive for this user, as if they had signed in. */
export async function contextFor(t: TestApp, userId: number): Promise<ServiceContext> {
  return { db: t.db.db, dialect: t.db.dialect, config: t.config, principal: await loadPrincipal(t.db.db, userId), ip: '127.0.0.1' };
}

/** The first decision form: approve every line not given a reason; reject those given one. */
export function decisionForm(lines: readonly Pick<ClaimLine, 'id'>[], rejections: Record<number, string> = {}): Record<string, string> {
  const form: Record<string, string> = {};
  for (const l of lines) {
    const reason = rejections[l.id];
    form[`decision-${l.id}`] = reason === undefined ? 'approve' : 'reject';
    if (reason) form[`reason-${l.id}`] = reason;
  }
  return form;
}

export async function ledgerOf(t: TestApp, claimId: number) {
  return t.db.db
    .selectFrom('ledger_entries as e')
    .innerJoin('claim_lines as l', 'l.id', 'e.claim_line_id')
    .select(['e.claim_line_id', 'e.kind', 'e.amount_pence', 'e.person_id', 'e.created_by'])
    .where('l.claim_id', '=', claimId)
    .orderBy('e.id')
    .execute();
}

export async function outboxFor(t: TestApp, personId: number) {
  return t.db.db.selectFrom('outbox').selectAll().where('person_id', '=', personId).orderBy('id').execute();
}
