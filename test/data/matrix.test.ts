import { describe, expect, test } from 'vitest';
import { compressRows, toLabels, toMatrix } from '../../src/data/matrix.js';
import { InputError } from '../../src/errors.js';

describe('toMatrix / toLabels', () => {
  test('rows become a row-major Float64Array', () => {
    const m = toMatrix([[1, 2], [3, 4], [5, 6]]);
    expect([m.rows, m.cols]).toEqual([3, 2]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  test('ragged rows, NaN, ±Infinity and empty data are refused with row and column', () => {
    expect(() => toMatrix([[1, 2], [3]])).toThrow('X: ragged rows — row 2 has 1 values but row 1 has 2 (1-based); every point needs the same number of features');
    expect(() => toMatrix([[1, NaN]])).toThrow('X[0][1] is NaN');
    expect(() => toMatrix([[1], [-Infinity]])).toThrow('X[1][0] is -Infinity');
    expect(() => toMatrix([])).toThrow('X: empty data (0 points)');
    expect(() => toMatrix([[]])).toThrow('X: points have 0 features');
    expect(() => toMatrix({ rows: 2, cols: 2, data: new Float64Array(3) })).toThrow('X: data has 3 entries but shape is (2, 2); expected 4');
    expect(() => toMatrix({ rows: 1, cols: 2, data: Float64Array.from([0, NaN]) })).toThrow(InputError);
  });
  test('labels: one finite number per point', () => {
    expect(() => toLabels([1, 2], 3)).toThrow('y: 2 labels for 3 points; give exactly one label per point');
    expect(() => toLabels([1, NaN], 2)).toThrow('y[1] is NaN');
  });
  test('compressed rows are derived from data: the non-zeros of each row in column order; null when dense', () => {
    const X = toMatrix([[0, 2, 0, -1], [0, 0, 0, 0], [3, 0, 0, 0]]);
    const sp = compressRows(X)!;
    expect(Array.from(sp.rowPtr)).toEqual([0, 2, 2, 3]);
    expect(Array.from(sp.cols)).toEqual([1, 3, 0]);
    expect(Array.from(sp.values)).toEqual([2, -1, 3]);
    expect(compressRows(X, { maxDensity: 0.2 })).toBeNull(); // 3 of 12 non-zero > 20%
    expect(compressRows(X, { shared: true })!.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    X.data[0] = 5; // a snapshot: derived again, it follows the data
    expect(Array.from(compressRows(X)!.values)).toEqual([5, 2, -1, 3]);
    expect(Array.from(sp.values)).toEqual([2, -1, 3]);
  });
});
