import { describe, expect, test } from 'vitest';
import { parseCsv } from '../../src/data/csv.js';

describe('CSV reader', () => {
  test('one point per row, label last; header, blank lines and # comments skipped', () => {
    const { X, y } = parseCsv('# toy\nx1,x2,label\n\n0,1.5,3\n-2,1e3,5\n', 't.csv');
    expect([X.rows, X.cols]).toEqual([2, 2]);
    expect(Array.from(X.data)).toEqual([0, 1.5, -2, 1000]);
    expect(Array.from(y)).toEqual([3, 5]);
  });
  test('errors name file, line and column', () => {
    expect(() => parseCsv('1,2,3\n4,5\n', 't.csv')).toThrow('t.csv:2: ragged row — 2 columns, but line 1 has 3');
    expect(() => parseCsv('1,2,3\n4,abc,6\n', 't.csv')).toThrow("t.csv:2:2: 'abc' is not a finite number");
    expect(() => parseCsv('1,,3\n', 't.csv')).toThrow("t.csv:1:2: '' is not a finite number");
    expect(() => parseCsv('1,Infinity,3\n', 't.csv')).toThrow(/t.csv:1:2: 'Infinity' is not a finite number/);
    expect(() => parseCsv('\n\n', 't.csv')).toThrow('t.csv: no data rows; the file is empty');
    expect(() => parseCsv('5\n', 't.csv')).toThrow(/t.csv:1: a row needs at least one feature and a label/);
  });
});
