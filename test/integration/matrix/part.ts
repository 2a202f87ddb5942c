import type { Insertable } from 'kysely';
import { nowIso } from '../../../src/platform/db/index.ts';
import type { OpportunityTable, Person, PersonTable } from '../../../src/platform/db/types.ts';
import type { TestApp, seedOrg } from '../../support/app.ts';

/**
 * One feature's share of the access matrix (see access-matrix.int.test.ts). Each file in this
 * folder other than this one default-exports a MatrixPart; the matrix test loads them all, so a
 * feature adds its routes without touching the others'.
 */
export const ROLES = ['anonymous', 'partner', 'otherStaff', 'staff', 'lead', 'admin'] as const;
export type RoleName = (typeof ROLES)[number];

// Columns: anonymous, partner, staff of another unit, staff of the unit, lead, admin.
export const EVERYONE = 'AAAAAA';
export const SIGNED_IN = 'DAAAAA';
export const ORG_VIEWERS = 'DDAAAA';
export const IN_UNIT = 'DDDAAA';
export const ADMIN = 'DDDDDA';

// Columns the involvement register's parts share.
/** The register: staff who see a register anywhere (people:view; South staff see South's, which is empty). */
export const REGISTER_VIEWERS = 'DDAAAA';
/** One North team person: staff of the unit and those above it; not the partner, not South's staff. */
export const NORTH_PERSON = 'DDDAAA';
/** Involvement leads (people:manage) for the person's unit, and admins. */
export const REGISTER_MANAGERS = 'DDDDAA';
/** Staff who manage opportunities somewhere (opportunities:manage): posting an empty form gets them a 400. */
export const OPPORTUNITY_STAFF = 'DDAAAA';
/** Who sees an opportunity's matches: the involvement lead (people:manage) and the opportunity's owner (North staff). */
export const MATCH_VIEWERS = 'DDDAAA';

export interface MatrixFixture {
  t: TestApp;
  org: Awaited<ReturnType<typeof seedOrg>>;
  /** User ids: the partner holds a partner role on the North team; staff is QI staff there; lead leads North; admin the trust. */
  users: Record<Exclude<RoleName, 'anonymous'>, number>;
  /** A North team project with the partner in its team. */
  project: number;
}

export interface MatrixPart {
  /** "METHOD /url" → one letter per role (A allowed, D denied), in ROLES order. */
  entries: Record<string, string>;
  /** Makes the records this feature's routes need, once per route tested; returns their ids. */
  setUp?(f: MatrixFixture): Promise<Record<string, number>>;
  /**
   * Fills in this feature's route parameters with the ids from setUp (the role is the one
   * calling). Leave other features' URLs alone: each part's function runs before the shared one.
   */
  concreteUrl?(url: string, ids: Record<string, number>, role: RoleName): string;
}

type Stamped<T> = Omit<Insertable<T>, 'id' | 'created_at' | 'updated_at'>;

/**
 * Puts a person in the register for a part's setUp (by email, active, in the standard format unless
 * told otherwise); with contactConsent, their written consent to be contacted too.
 */
export async function insertPerson(
  t: TestApp,
  values: Omit<Stamped<PersonTable>, 'preferred_channel' | 'format' | 'status'> & Partial<Pick<PersonTable, 'preferred_channel' | 'format' | 'status'>>,
  opts: { contactConsent?: boolean } = {},
): Promise<Person> {
  const now = nowIso();
  const person = await t.db.db
    .insertInto('people')
    .values({ preferred_channel: 'email', format: 'standard', status: 'active', ...values, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (opts.contactConsent) {
    await t.db.db.insertInto('consents').values({ person_id: person.id, kind: 'contact', given: 1, method: 'written', note: null, recorded_at: now, recorded_by: null }).execute();
  }
  return person;
}

/**
 * The matrix partner's own register entry (people.user_id = the partner's account). An account
 * links to one entry, so the parts that need it share it: the first to ask makes it.
 */
export async function partnerPerson(t: TestApp, org: MatrixFixture['org'], users: MatrixFixture['users']): Promise<Person> {
  const existing = await t.db.db.selectFrom('people').selectAll().where('user_id', '=', users.partner).executeTakeFirst();
  return (
    existing ??
    insertPerson(t, {
      unit_id: org.northTeam.id, user_id: users.partner, full_name: 'Matrix Partner Person', email: 'matrix.person@example.org',
      relationship: 'service_user', anonymity: 'full_name', payment_preference: 'involvement_rate',
    })
  );
}

/** Posts an open opportunity for a part's setUp; returns its id. */
export async function insertOpportunity(t: TestApp, values: Omit<Stamped<OpportunityTable>, 'status'> & Partial<Pick<OpportunityTable, 'status'>>): Promise<number> {
  const now = nowIso();
  const { id } = await t.db.db
    .insertInto('opportunities')
    .values({ status: 'open', ...values, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}
