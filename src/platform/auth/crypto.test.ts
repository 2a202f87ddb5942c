import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashPassword, newSecret, sha256, verifyPassword } from './crypto.ts';

describe('password hashing', () => {
  it('verifies the right password and refuses any other', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 12, maxLength: 40 })), fc.string({ minLength: 1, maxLength: 40 }), async (a, b) => {
        const hash = await hashPassword(a);
        expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
        // The password itself never appears (short strings like "0" can occur in any base64 text).
        if (a.length >= 12) expect(hash).not.toContain(a);
        expect(await verifyPassword(a, hash)).toBe(true);
        expect(await verifyPassword(b, hash)).toBe(a === b);
      }),
      { numRuns: 15 },
    );
  });

  it('salts each hash, and refuses missing or malformed hashes', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
    expect(await verifyPassword('x', null)).toBe(false);
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
  });

  it('makes unguessable secrets and stores only their digest', () => {
    const a = newSecret();
    expect(a).not.toBe(newSecret());
    expect(a.length).toBeGreaterThanOrEqual(43);
    expect(sha256(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
