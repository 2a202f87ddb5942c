import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../db/types.ts';
import { can, PERMISSIONS, roleAllows, scopePaths, type Principal } from './index.ts';

/** Paths in a small random tree: "/1/", "/1/4/", "/1/4/9/" … */
const path = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).map((ids) => `/${ids.join('/')}/`);
const role = fc.constantFrom(...ROLES);
const permission = fc.constantFrom(...PERMISSIONS);
const principal = fc.array(fc.record({ unitPath: path, role }), { maxLength: 5 }).map(
  (grants): Principal => ({ userId: 1, email: 'a@example.org', name: 'A', grants: grants.map((g, i) => ({ ...g, unitId: i + 1 })) }),
);

describe('permission rules', () => {
  it('a role on a unit applies to every unit below it', () => {
    fc.assert(
      fc.property(path, role, permission, fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 3 }), (p, r, perm, below) => {
        const who: Principal = { userId: 1, email: 'a@example.org', name: 'A', grants: [{ unitId: 1, unitPath: p, role: r }] };
        const descendant = `${p}${below.map((b) => `${b}/`).join('')}`;
        expect(can(who, perm, { path: descendant })).toBe(roleAllows(r, perm));
      }),
    );
  });

  it('a role never reaches a parent or a sibling unit', () => {
    fc.assert(
      fc.property(path, role, permission, fc.integer({ min: 5, max: 9 }), (p, r, perm, sibling) => {
        const who: Principal = { userId: 1, email: 'a@example.org', name: 'A', grants: [{ unitId: 1, unitPath: `${p}${sibling}/`, role: r }] };
        expect(can(who, perm, { path: p })).toBe(false);
        expect(can(who, perm, { path: `${p}${sibling + 10}/` })).toBe(false);
      }),
    );
  });

  it('the scope paths cover exactly the units the principal may reach', () => {
    fc.assert(
      fc.property(principal, permission, path, (who, perm, target) => {
        const covered = scopePaths(who, perm).some((prefix) => target.startsWith(prefix));
        expect(covered).toBe(can(who, perm, { path: target }));
      }),
    );
  });

  it('nobody without a role, and no partner, may manage anything', () => {
    expect(can(null, 'org:view')).toBe(false);
    for (const perm of PERMISSIONS) expect(roleAllows('partner' as Role, perm)).toBe(false);
    expect(roleAllows('admin', 'users:manage')).toBe(true);
    expect(roleAllows('viewer', 'org:manage')).toBe(false);
  });
});
