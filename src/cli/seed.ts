import type { Config } from '../config.ts';
import { insertUnit, rootUnit } from '../features/org/service.ts';
import { audit } from '../platform/audit/index.ts';
import { hashPassword } from '../platform/auth/crypto.ts';
import { nowIso, type Db } from '../platform/db/index.ts';
import type { OrgUnit, Role, UnitKind } from '../platform/db/types.ts';
import { withDatabase } from './database.ts';
import { CliError, describeDatabase, say } from './io.ts';

/** One published password for every demo account: the demo is for trying Alongside, never for real data. */
export const DEMO_PASSWORD = 'alongside-demo-password';

/** Used only when the database has no trust yet; otherwise the demo goes under the existing trust. */
export const DEMO_TRUST_NAME = 'Alongside Demo NHS Foundation Trust';

const TRUST = '(trust)';

export const DEMO_UNITS: readonly { name: string; kind: UnitKind; parent: string }[] = [
  { name: 'Tower Hamlets', kind: 'borough', parent: TRUST },
  { name: 'Tower Hamlets Community Mental Health Team', kind: 'team', parent: 'Tower Hamlets' },
  { name: 'Tower Hamlets Home Treatment Team', kind: 'team', parent: 'Tower Hamlets' },
  { name: 'Tower Hamlets Early Intervention Service', kind: 'service', parent: 'Tower Hamlets' },
  { name: 'Luton', kind: 'borough', parent: TRUST },
  { name: 'Luton Community Mental Health Team', kind: 'team', parent: 'Luton' },
  { name: 'Luton Memory Service', kind: 'service', parent: 'Luton' },
  { name: 'Luton Perinatal Mental Health Service', kind: 'service', parent: 'Luton' },
];

export const DEMO_ACCOUNTS: readonly { email: string; name: string; role: Role; unit: string; who: string }[] = [
  { email: 'admin@demo.example.org', name: 'Alex Morgan', role: 'admin', unit: TRUST, who: 'trust admin' },
  { email: 'lead@demo.example.org', name: 'Priya Shah', role: 'lead', unit: TRUST, who: 'involvement lead' },
  { email: 'qi@demo.example.org', name: 'Tom Okafor', role: 'qi_staff', unit: 'Tower Hamlets Community Mental Health Team', who: 'QI staff' },
  { email: 'viewer@demo.example.org', name: 'Jo Evans', role: 'viewer', unit: TRUST, who: 'viewer (trust leadership)' },
  { email: 'service-user@demo.example.org', name: 'Rahima Khatun', role: 'partner', unit: 'Tower Hamlets Community Mental Health Team', who: 'service user partner' },
  { email: 'carer@demo.example.org', name: 'David Clarke', role: 'partner', unit: 'Luton Memory Service', who: 'carer partner' },
];

const SYSTEM = { actorUserId: null, ip: null };

async function ensureUnit(db: Db, name: string, kind: UnitKind, parentId: number): Promise<{ unit: OrgUnit; created: boolean }> {
  const existing = await db
    .selectFrom('org_units')
    .selectAll()
    .where('parent_id', '=', parentId)
    .where('name', '=', name)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  if (existing) return { unit: existing, created: false };
  const unit = await insertUnit(db, { name, kind, parentId }, nowIso());
  await audit(db, SYSTEM, { action: 'org_unit.created', entityType: 'org_unit', entityId: unit.id, details: { source: 'seed --demo' } });
  return { unit, created: true };
}

export interface SeedReport {
  trust: string;
  unitsCreated: number;
  accountsCreated: number;
}

/** Adds what is missing of the demo organisation; running it again adds nothing. */
export async function seedDemo(db: Db): Promise<SeedReport> {
  const report = { trust: '', unitsCreated: 0, accountsCreated: 0 };
  let trust = await rootUnit(db);
  if (!trust) {
    trust = await insertUnit(db, { name: DEMO_TRUST_NAME, kind: 'trust', parentId: null }, nowIso());
    await audit(db, SYSTEM, { action: 'org_unit.created', entityType: 'org_unit', entityId: trust.id, details: { source: 'seed --demo' } });
    report.unitsCreated++;
  }
  report.trust = trust.name;

  const units = new Map<string, OrgUnit>([[TRUST, trust]]);
  for (const u of DEMO_UNITS) {
    const parent = units.get(u.parent);
    if (!parent) throw new Error(`demo unit ${u.name} listed before its parent ${u.parent}`);
    const { unit, created } = await ensureUnit(db, u.name, u.kind, parent.id);
    units.set(u.name, unit);
    if (created) report.unitsCreated++;
  }

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const a of DEMO_ACCOUNTS) {
    const exists = await db.selectFrom('users').select('id').where('email', '=', a.email).executeTakeFirst();
    if (exists) continue;
    const unit = units.get(a.unit);
    if (!unit) throw new Error(`demo account ${a.email} names an unknown unit ${a.unit}`);
    const now = nowIso();
    await db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('users')
        .values({ email: a.email, name: a.name, password_hash: passwordHash, failed_sign_ins: 0, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('role_grants').values({ user_id: id, unit_id: unit.id, role: a.role, created_at: now }).execute();
      await audit(trx, SYSTEM, { action: 'user.created', entityType: 'user', entityId: id, subjectUserId: id, details: { role: a.role, unitId: unit.id, source: 'seed --demo' } });
    });
    report.accountsCreated++;
  }
  return report;
}

export async function seedCommand(config: Config, flags: { demo?: boolean }): Promise<void> {
  if (!flags.demo) throw new CliError('say what to seed: the only choice is --demo (alongside seed --demo)');
  if (config.env === 'production') {
    throw new CliError('refusing to add demo accounts in production: they all share a published password');
  }
  await withDatabase(config, async ({ db }) => {
    const report = await seedDemo(db);
    say(`Database: ${describeDatabase(config.databaseUrl)}`);
    if (report.unitsCreated === 0 && report.accountsCreated === 0) {
      say(`The demo organisation is already there under ${report.trust}; nothing was added.`);
    } else {
      say(`Added the demo organisation under ${report.trust}: ${report.unitsCreated} unit(s), ${report.accountsCreated} account(s).`);
    }
    say('');
    say('Demo accounts:');
    const width = Math.max(...DEMO_ACCOUNTS.map((a) => a.email.length));
    for (const a of DEMO_ACCOUNTS) {
      say(`  ${a.email.padEnd(width)}  ${a.who} — ${a.unit === TRUST ? report.trust : a.unit}`);
    }
    say('');
    say(`Every demo account has the password: ${DEMO_PASSWORD}`);
    say(`Sign in at ${config.baseUrl}/sign-in`);
  });
}
