import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, MAX_UNZIPPED_BYTES, unzippedSize } from '../../platform/http/spreadsheet.ts';
import { columnsFor, ImportReadError, readDelimitedText, readUpload, readWorkbook } from './import.ts';
import { checkRow, checkRows, parseDate, parseNumber } from './points.ts';

describe('reading dates', () => {
  it.each([
    ['2024-03-31', '2024-03-31'],
    ['2024-3-5', '2024-03-05'],
    ['2024-03', '2024-03-01'],
    ['31/03/2024', '2024-03-31'],
    ['31-03-2024', '2024-03-31'],
    ['31.03.2024', '2024-03-31'],
    ['5/3/24', '2024-03-05'],
    ['31 Mar 2024', '2024-03-31'],
    ['1st March 2024', '2024-03-01'],
    ['March 2024', '2024-03-01'],
    ['2024-03-31T00:00:00.000Z', '2024-03-31'],
  ])('reads %s as %s', (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it.each(['31/02/2024', '2024-13-01', '03/31/2024', 'next Tuesday', '', '12', 'Mar', '0/1/2024'])('refuses %j', (input) => {
    expect(parseDate(input)).toBeNull();
  });

  it('reads a spreadsheet date cell by its UTC day', () => {
    expect(parseDate(new Date(Date.UTC(2024, 1, 29)))).toBe('2024-02-29');
    expect(parseDate(new Date('nope'))).toBeNull();
  });

  it('reads back any real date written as YYYY-MM-DD or DD/MM/YYYY (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(Date.UTC(1990, 0, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        const [y, m, day] = iso.split('-');
        expect(parseDate(iso)).toBe(iso);
        expect(parseDate(`${day}/${m}/${y}`)).toBe(iso);
      }),
    );
  });
});

describe('reading numbers', () => {
  it.each([
    ['12', 12],
    [' -3.5 ', -3.5],
    ['+4', 4],
    ['1,234.5', 1234.5],
    ['.5', 0.5],
    ['1.2e3', 1200],
    [7, 7],
  ])('reads %j as %d', (input, expected) => {
    expect(parseNumber(input)).toBe(expected);
  });

  it.each(['12 people', '1,23', 'abc', '1.2.3', '45%', '#DIV/0!', '1e400'])('refuses %j', (input) => {
    expect(parseNumber(input)).toBeNull();
  });

  it('tells "nothing given" from "not a number"', () => {
    expect(parseNumber('')).toBeUndefined();
    expect(parseNumber(undefined)).toBeUndefined();
    expect(parseNumber(Number.NaN)).toBeNull();
  });

  it('never throws, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const n = parseNumber(s);
        expect(n === undefined || n === null || Number.isFinite(n)).toBe(true);
      }),
    );
  });
});

describe('checking rows', () => {
  const reasons = (raw: Parameters<typeof checkRow>[0], chart: Parameters<typeof checkRow>[1]) => {
    const r = checkRow(raw, chart);
    return r.ok ? [] : r.problems.map((p) => `${p.column}:${p.reason}`);
  };

  it('accepts a good row and trims its note', () => {
    expect(checkRow({ row: 2, date: '2024-01-01', value: '12', note: '  busy week ' }, 'xmr')).toEqual({
      ok: true,
      row: { row: 2, date: '2024-01-01', value: 12, denominator: null, note: 'busy week' },
    });
  });

  it('names each problem with its column', () => {
    expect(reasons({ row: 1, date: 'soon', value: 'lots' }, 'xmr')).toEqual(['date:dateInvalid', 'value:valueInvalid']);
    expect(reasons({ row: 1 }, 'run')).toEqual(['date:dateRequired', 'value:valueRequired']);
    expect(reasons({ row: 1, date: '2024-01-01', value: -1 }, 'c')).toEqual(['value:valueNegative']);
    expect(reasons({ row: 1, date: '2024-01-01', value: -1 }, 'xmr')).toEqual([]);
  });

  it('needs a denominator above zero for p and u charts, and no more than it for p', () => {
    expect(reasons({ row: 1, date: '2024-01-01', value: 3 }, 'p')).toEqual(['denominator:denominatorRequired']);
    expect(reasons({ row: 1, date: '2024-01-01', value: 3, denominator: '0' }, 'u')).toEqual(['denominator:denominatorZero']);
    expect(reasons({ row: 1, date: '2024-01-01', value: 3, denominator: 'ten' }, 'p')).toEqual(['denominator:denominatorInvalid']);
    expect(reasons({ row: 1, date: '2024-01-01', value: 12, denominator: 10 }, 'p')).toEqual(['value:numeratorAboveDenominator']);
    expect(reasons({ row: 1, date: '2024-01-01', value: 12, denominator: 10 }, 'u')).toEqual([]);
    // A denominator is ignored where the chart does not use one.
    expect(checkRow({ row: 1, date: '2024-01-01', value: 3, denominator: 'x' }, 'xmr')).toMatchObject({ ok: true, row: { denominator: null } });
  });

  it('refuses a date an earlier row already gave, naming that row', () => {
    const checked = checkRows(
      [
        { row: 2, date: '2024-01-01', value: '1' },
        { row: 3, date: '01/01/2024', value: '2' },
        { row: 4, date: '2024-01-02', value: '3' },
      ],
      'xmr',
    );
    expect(checked.good.map((g) => g.row)).toEqual([2, 4]);
    expect(checked.problems).toEqual([{ row: 3, column: 'date', reason: 'duplicateDate', params: { first: 2 } }]);
    expect(checked.badRows).toEqual([3]);
  });
});

describe('reading pasted text', () => {
  it('finds the delimiter: tab from a spreadsheet, semicolon, or comma', () => {
    expect(detectDelimiter('date\tvalue\n2024-01-01\t3')).toBe('\t');
    expect(detectDelimiter('\n\ndate;value\n')).toBe(';');
    expect(detectDelimiter('date,value;x')).toBe(',');
  });

  it('reads rows with their line numbers, skipping blank lines, with or without a header', () => {
    const withHeader = readDelimitedText('Date,Value,Notes\n2024-01-01,3,first\n\n2024-01-08,"1,204",', 'xmr');
    expect(withHeader.hasHeader).toBe(true);
    expect(withHeader.rows).toEqual([
      { row: 2, date: '2024-01-01', value: '3', denominator: undefined, note: 'first' },
      { row: 4, date: '2024-01-08', value: '1,204', denominator: undefined, note: undefined },
    ]);
    const bare = readDelimitedText('01/01/2024\t3\t40\n08/01/2024\t4\t41', 'p');
    expect(bare.hasHeader).toBe(false);
    expect(bare.rows[1]).toEqual({ row: 2, date: '08/01/2024', value: '4', denominator: '41', note: undefined });
  });

  it('finds columns by their names, in any order', () => {
    const { rows } = readDelimitedText('Comments;Out of;Week commencing;Count\nok;40;2024-01-01;12', 'p');
    expect(rows[0]).toEqual({ row: 2, date: '2024-01-01', value: '12', denominator: '40', note: 'ok' });
    expect(columnsFor(['Month', 'Patients with a plan', 'Patients seen'], 'p')).toEqual({ date: 0, value: 1, denominator: 2 });
    expect(columnsFor(null, 'xmr')).toEqual({ date: 0, value: 1, note: 2 });
  });

  it('says why text cannot be read', () => {
    const key = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof ImportReadError ? err.key : 'other';
      }
      return 'none';
    };
    expect(key(() => readDelimitedText('   \n ', 'xmr'))).toBe('empty');
    expect(key(() => readDelimitedText('date,value\n', 'xmr'))).toBe('noRows');
    expect(key(() => readDelimitedText(`date,value\n${'2024-01-01,1\n'.repeat(5001)}`, 'xmr'))).toBe('tooManyRows');
  });
});

describe('reading spreadsheets', () => {
  async function xlsx(rows: ExcelJS.CellValue[][], sheetName = 'Data'): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(sheetName);
    for (const r of rows) ws.addRow(r);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('reads the first sheet: dates, numbers, formulas and text, with the sheet’s row numbers', async () => {
    const buffer = await xlsx([
      ['Week', 'Seen', 'Eligible', 'Note'],
      [new Date(Date.UTC(2024, 0, 1)), 12, 40, 'first'],
      [],
      ['08/01/2024', { formula: 'B2+1', result: 13 }, 40, { richText: [{ text: 'rich ' }, { text: 'text' }] }],
    ]);
    const { rows, sheet } = await readWorkbook(buffer, 'p');
    expect(sheet).toBe('Data');
    expect(rows).toEqual([
      { row: 2, date: new Date(Date.UTC(2024, 0, 1)), value: 12, denominator: 40, note: 'first' },
      { row: 4, date: '08/01/2024', value: 13, denominator: 40, note: 'rich text' },
    ]);
    expect(checkRows(rows, 'p').good.map((g) => g.date)).toEqual(['2024-01-01', '2024-01-08']);
  });

  it('tells a spreadsheet from CSV text by its content, not its name', async () => {
    expect((await readUpload(await xlsx([['2024-01-01', 3]]), 'xmr')).rows).toHaveLength(1);
    expect((await readUpload(Buffer.from('\ufeffdate,value\n2024-01-01,3\n'), 'xmr')).rows).toEqual([{ row: 2, date: '2024-01-01', value: '3', denominator: undefined, note: undefined }]);
    // Windows-1252 text from older Excel versions.
    expect((await readUpload(Buffer.from([0x64, 0x61, 0x74, 0x65, 0x2c, 0x76, 0x61, 0x6c, 0x75, 0x65, 0x2c, 0x6e, 0x6f, 0x74, 0x65, 0x0a, 0x32, 0x30, 0x32, 0x34, 0x2d, 0x30, 0x31, 0x2d, 0x30, 0x31, 0x2c, 0x33, 0x2c, 0x63, 0x61, 0x66, 0xe9]), 'xmr')).rows[0]?.note).toBe('café');
    await expect(readUpload(Buffer.from('PK\u0003\u0004not really a zip'), 'xmr')).rejects.toMatchObject({ key: 'badSpreadsheet' });
    await expect(readUpload(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'xmr')).rejects.toMatchObject({ key: 'oldExcel' });
    await expect(readUpload(Buffer.alloc(0), 'xmr')).rejects.toMatchObject({ key: 'noFile' });
  });

  it('refuses a spreadsheet that would unpack to far more than any real one (a "zip bomb")', async () => {
    const small = await xlsx([['2024-01-01', 3]]);
    const size = unzippedSize(small);
    expect(size).toBeGreaterThan(small.length);
    expect(size).toBeLessThan(MAX_UNZIPPED_BYTES);
    // Claim a huge unpacked size for the first file in the central directory.
    const bomb = Buffer.from(small);
    const eocd = bomb.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const central = bomb.readUInt32LE(eocd + 16);
    bomb.writeUInt32LE(MAX_UNZIPPED_BYTES + 1, central + 24);
    await expect(readUpload(bomb, 'xmr')).rejects.toMatchObject({ key: 'spreadsheetTooBig' });
  });
});
