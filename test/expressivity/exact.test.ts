import { fraction } from 'mathjs';
import { describe, expect, test } from 'vitest';
import { interpolateExact } from '../../src/expressivity/exact.js';
import { toFraction } from '../../src/exact/fraction.js';

describe('interpolateExact inputs and refusals', () => {
  test('integers, bigints, decimal strings, p/q strings and Fractions mix', () => {
    const X = [[0n, '0.5'], [1, '1/3'], [fraction(2, 7), -4]];
    const y = ['0.1', 2n ** 70n, fraction(-5, 3)];
    const net = interpolateExact(X, y);
    expect(net.evaluate(X[0]!)).toEqualFraction('1/10');
    expect(net.evaluate(X[1]!)).toEqualFraction(2n ** 70n);
    expect(net.evaluate(X[2]!)).toEqualFraction('-5/3');
  });
  test('a number is taken at its exact binary value, a string at its decimal value', () => {
    expect(toFraction(0.1)).not.toEqualFraction('1/10');
    expect(toFraction(0.1)).toEqualFraction('3602879701896397/36028797018963968');
    expect(toFraction('0.1')).toEqualFraction('1/10');
    expect(() => toFraction('1/0x')).toThrow(/'1\/0x' is not a decimal or p\/q number/);
  });
  test('powers-of-K in low dimension, random-integer in high dimension', () => {
    expect(interpolateExact([[0, 1], [1, 0]], [1, 2]).directionUsed).toBe('powers-of-K (K = 3)');
    const wide = [Array.from({ length: 40 }, (_, j) => j % 7), Array.from({ length: 40 }, (_, j) => (j * 3) % 7)];
    expect(interpolateExact(wide, [1, 2]).directionUsed).toMatch(/^random-integer/);
  });
  test('ragged rows, label count and λ are checked', () => {
    expect(() => interpolateExact([[1, 2], [3]], [1, 2])).toThrow(/ragged rows — row 2 has 1 values but row 1 has 2 \(1-based\)/);
    expect(() => interpolateExact([[1]], [1, 2])).toThrow(/2 labels for 1 points/);
    expect(() => interpolateExact([[1], [2]], [1, 2], { lambda: '3/2' })).toThrow(/lambda = 3\/2 must lie strictly between 0 and 1/);
    expect(() => interpolateExact([], [])).toThrow(/empty data/);
  });
});
