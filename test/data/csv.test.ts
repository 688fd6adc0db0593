import { describe, expect, test } from 'vitest';
import { parseCsv } from '../../src/data/csv.js';

describe('CSV reader', () => {
  test('one point per row, label last; header, blank lines and # comments skipped', () => {
    const { X, y } = parseCsv('# toy\nx1,x2,label\n\n0,1.5,3\n-2,1e3,5\n', 't.csv');
    expect([X.rows, X.cols]).toEqual([2, 2]);
    expect(Array.from(X.data)).toEqual([0, 1.5, -2, 1000]);
    expect(Array.from(y)).toEqual([3, 5]);
  });

  test('LF, CRLF and CR-only line endings, a byte-order mark and quoted fields give the same data', () => {
    const lf = parseCsv('x,y\n1,2\n3,4\n', 't.csv');
    for (const text of ['x,y\r\n1,2\r\n3,4\r\n', 'x,y\r1,2\r3,4\r', '\ufeffx,y\n1,2\n3,4\n', '"x","y"\n"1",2\n3,"4"\n']) {
      const r = parseCsv(text, 't.csv');
      expect(Array.from(r.X.data)).toEqual(Array.from(lf.X.data));
      expect(Array.from(r.y)).toEqual(Array.from(lf.y));
    }
  });

  test('a single data row is data, not a header; a header alone is named as such', () => {
    const one = parseCsv('0.5,1,7', 't.csv');
    expect([one.X.rows, one.X.cols, one.y[0]]).toEqual([1, 2, 7]);
    expect(() => parseCsv('x1,x2,label\n', 't.csv')).toThrow('t.csv: only a header line (x1,x2,label), no data rows');
  });

  test('errors name file, line and column (lines as an editor counts them, CR-only files too)', () => {
    expect(() => parseCsv('1,2,3\n4,5\n', 't.csv')).toThrow('t.csv:2: ragged row — 2 columns, but line 1 has 3');
    expect(() => parseCsv('1,2,3\n4,abc,6\n', 't.csv')).toThrow("t.csv:2:2: 'abc' is not a finite decimal number");
    expect(() => parseCsv('1,2,3\r4,abc,6\r', 't.csv')).toThrow("t.csv:2:2: 'abc' is not a finite decimal number");
    expect(() => parseCsv('1,,3\n', 't.csv')).toThrow("t.csv:1:2: '' is not a finite decimal number");
    expect(() => parseCsv('1,Infinity,3\n', 't.csv')).toThrow(/t.csv:1:2: 'Infinity' is not a finite decimal number/);
    expect(() => parseCsv('1,0x10,3\n', 't.csv')).toThrow(/t.csv:1:2: '0x10' is not a finite decimal number/);
    expect(() => parseCsv('1,1e999,3\n', 't.csv')).toThrow(/t.csv:1:2: '1e999' is not a finite decimal number/);
    expect(() => parseCsv('\n\n', 't.csv')).toThrow('t.csv: the file is empty (no rows)');
    expect(() => parseCsv('5\n', 't.csv')).toThrow(/t.csv:1: a row needs at least one feature and a label/);
    expect(() => parseCsv('1,2\n3,"4\n', 't.csv')).toThrow(/t.csv:\d+: not valid CSV/);
    // No raw control characters in any message.
    try {
      parseCsv('1,2,3\r4,5\r', 't.csv');
    } catch (e) {
      expect((e as Error).message).not.toMatch(/\r/);
    }
  });
});
