import { describe, expect, it } from 'vitest';
import '../../platform/i18n/index.ts';
import { INITIAL_DEFAULTS } from './mapping.ts';
import { checkRows, findDuplicates, KeyIndex, phoneKey, plan, sheetOf, sheetToData, storedRows, type GoodRow } from './rows.ts';
import { readCsv } from './read.ts';

const mapping = { columns: ['fullName', 'email', 'phone', 'postcode', 'preferredChannel'] as const, defaults: INITIAL_DEFAULTS };

describe('checking rows', () => {
  it('lists every problem with the sheet row number and the column header', () => {
    const sheet = readCsv('Name,Email,Phone,Postcode,Contact by\nAnn Bell,ann@example.org,,,\n\n,not-an-email,,,Email\nCat Dee,,01582 123456,LU1 3JU,text\n');
    const checked = checkRows(sheet, { ...mapping, columns: [...mapping.columns] }, 1);
    expect(checked.good.map((g) => g.row)).toEqual([2, 5]);
    expect(checked.badRows).toBe(1);
    expect(checked.problems).toEqual([
      { row: 4, column: 'Name', field: 'fullName', message: 'errors.people.fullNameRequired' },
      { row: 4, column: 'Email', field: 'email', message: 'errors.people.emailInvalid' },
    ]);
    expect(checked.good[1]?.person).toMatchObject({ fullName: 'Cat Dee', preferredChannel: 'sms', postcode: 'LU1 3JU' });
  });

  it('names the field when the problem comes from a default, not a column', () => {
    const sheet = readCsv('Name\nAnn Bell\n');
    const checked = checkRows(sheet, { columns: ['fullName'], defaults: INITIAL_DEFAULTS }, 1);
    expect(checked.problems).toEqual([{ row: 2, column: null, field: 'email', message: 'errors.people.emailForChannel' }]);
  });
});

const good = (row: number, p: Record<string, unknown>): GoodRow => ({ row, person: { fullName: 'X', ...p } as unknown as GoodRow['person'] });

describe('likely duplicates', () => {
  it('compares phones by their digits, +44 or 0', () => {
    expect(phoneKey('+44 7700 900123')).toBe(phoneKey('07700-900 123'));
    expect(phoneKey('123')).toBeNull();
  });

  it('finds the register first, then earlier rows: same email, phone, or name and postcode', () => {
    const existing = [{ id: 9, email: 'ann@example.org', phone: '01582 123456', full_name: 'Ann Bell', postcode: 'LU1 3JU' }];
    const rows = [
      good(2, { email: 'ANN@example.org' }),
      good(3, { phone: '(01582) 123-456' }),
      good(4, { fullName: 'ann  bell', postcode: 'lu13ju' }),
      good(5, { email: 'bob@example.org' }),
      good(6, { email: 'bob@example.org' }),
      good(7, { fullName: 'Ann Bell', postcode: 'LU2 1AA' }),
    ];
    const found = findDuplicates(rows, existing);
    expect([...found.values()]).toEqual([
      { row: 2, reason: 'email', personId: 9 },
      { row: 3, reason: 'phone', personId: 9 },
      { row: 4, reason: 'namePostcode', personId: 9 },
      { row: 6, reason: 'email', ofRow: 5 },
    ]);
    const destinations = plan(rows, found, new Map([[2, 'merge'], [6, 'merge']]));
    expect(Object.fromEntries(destinations)).toEqual({
      2: { kind: 'mergeExisting', personId: 9 },
      3: { kind: 'skip' },
      4: { kind: 'skip' },
      5: { kind: 'new' },
      6: { kind: 'mergeRow', intoRow: 5 },
      7: { kind: 'new' },
    });
  });
});

describe('KeyIndex', () => {
  it('keeps the first value for each key, exactly, however many keys', () => {
    const index = new KeyIndex();
    for (let i = 0; i < 20_000; i++) index.setIfAbsent(`person${i}@example.org`, i);
    index.setIfAbsent('person7@example.org', 99);
    index.setIfAbsent('ünïcode', 5);
    expect(index.size).toBe(20_001);
    expect(index.get('person7@example.org')).toBe(7);
    expect(index.get('person19999@example.org')).toBe(19_999);
    expect(index.get('person20000@example.org')).toBeUndefined();
    expect(index.get('person7@example.or')).toBeUndefined();
    expect(index.get('ünïcode')).toBe(5);
    expect(index.get('')).toBeUndefined();
  });
});

describe('storedRows', () => {
  it('reads stored data a piece at a time, counting characters as the databases do', async () => {
    const rows = [['Ann 😀 Bell', 'a@example.org'], ['', ''], ['Zoë', 'line\nbreak'], ['x'.repeat(50), '🎉🎉']];
    const data = sheetToData(sheetOf(['Name', 'Email'], rows));
    const chars = Array.from(data);
    for (const piece of [1, 2, 3, 7, 64, 10_000]) {
      const read = async (from: number, length: number) => chars.slice(from, from + length).join('');
      const got: { row: number; cells: string[] }[] = [];
      for await (const r of storedRows(read, piece)) got.push(r);
      expect(got, `piece ${piece}`).toEqual(rows.map((cells, i) => ({ row: i + 2, cells })));
    }
  });
});
