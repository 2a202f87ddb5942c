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
