import { fraction } from 'mathjs';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { InputError } from '../../src/errors.js';
import { Dyadic } from '../../src/numeric/dyadic.js';
import { ONE, ZERO, dyadicToFraction, isIntegral, reluFraction, toFraction, toNumber } from '../../src/exact/fraction.js';

describe('toFraction: the exact value of every input', () => {
  test('decimal and p/q strings: each accepted form gives its exact value; anything else is refused by name', () => {
    const accepted: [string, string][] = [
      ['12', '12'], ['-3', '-3'], ['+4', '4'], ['0.25', '1/4'], ['.5', '1/2'], ['.125', '1/8'], ['2.', '2'], ['3/4', '3/4'], ['-6/8', '-3/4'], [' 7/2 ', '7/2'],
    ];
    for (const [text, value] of accepted) expect(toFraction(text).toFraction(), text).toBe(value);
    for (const text of ['', 'x1', '1x', '1.2.3', '1e3', 'e5', '+-1', '.', '1/', '/2', '1/2/3', '1/2.5', '6/-8', '1/0', '0x10', 'NaN', 'Infinity', '1_000']) {
      expect(() => toFraction(text), text).toThrow(/is not a decimal or p\/q number/);
    }
  });

  test.prop({ x: fc.double({ noNaN: true, noDefaultInfinity: true }) })('a number is its binary value: p/q with q a power of two, and back to the same float', ({ x }) => {
    const f = toFraction(x);
    expect(f).toEqualFraction(dyadicToFraction(Dyadic.fromNumber(x)));
    expect(f.d & (f.d - 1n)).toBe(0n); // a power of two
    expect(toNumber(f)).toBe(x === 0 ? 0 : x);
  });

  test('numbers, bigints, strings and fractions', () => {
    expect(toFraction(0.1).toFraction()).toBe('3602879701896397/36028797018963968');
    expect(toFraction('0.1').toFraction()).toBe('1/10');
    expect(toFraction(' -3/6 ').toFraction()).toBe('-1/2');
    expect(toFraction('+2.5').toFraction()).toBe('5/2');
    expect(toFraction('.5').toFraction()).toBe('1/2');
    expect(toFraction(2 ** 60).toFraction()).toBe(String(2n ** 60n)); // beyond MAX_SAFE_INTEGER, still exact
    expect(toFraction(Number.MAX_SAFE_INTEGER).toFraction()).toBe(String(Number.MAX_SAFE_INTEGER));
    expect(toFraction(12n ** 30n).toFraction()).toBe(String(12n ** 30n));
    const f = fraction(2, 3);
    expect(toFraction(f)).toBe(f);
    for (const bad of [NaN, Infinity, -Infinity]) expect(() => toFraction(bad)).toThrow(new InputError(`exact arithmetic: ${bad} is not a finite number`));
    // '2.5e1' passes the pattern but mathjs refuses exponents: the same message
    for (const bad of ['abc', '1/2/3', '', '0x10', '1e', '--1', '2.5e1']) expect(() => toFraction(bad)).toThrow(`exact arithmetic: '${bad}' is not a decimal or p/q number`);
    expect(() => toFraction('1/0')).toThrow(InputError);
  });

  test('dyadics with either sign of exponent; integrality; ReLU', () => {
    expect(dyadicToFraction(Dyadic.fromBigInt(5n).mul(Dyadic.fromNumber(8))).toFraction()).toBe('40'); // e ≥ 0
    expect(dyadicToFraction(Dyadic.fromNumber(-0.375)).toFraction()).toBe('-3/8'); // e < 0
    expect([isIntegral(toFraction(4)), isIntegral(toFraction('4/2')), isIntegral(toFraction(0.5))]).toEqual([true, true, false]);
    expect(reluFraction(toFraction(-2))).toEqualFraction(0);
    expect(reluFraction(ZERO)).toEqualFraction(0);
    expect(reluFraction(toFraction('3/4'))).toEqualFraction('3/4');
    expect(ONE).toEqualFraction(1);
  });

  test('toNumber beyond float64: huge numerators and denominators, overflow, underflow, sign', () => {
    expect(toNumber(fraction(10n ** 400n + 1n, 10n ** 400n))).toBe(1);
    expect(toNumber(fraction(-(10n ** 400n), 3n * 10n ** 399n))).toBeCloseTo(-10 / 3, 14);
    expect(toNumber(fraction(10n ** 400n, 1n))).toBe(Infinity);
    expect(toNumber(fraction(-1n, 10n ** 400n))).toBe(-0);
    expect(toNumber(ZERO)).toBe(0);
    expect(toNumber(fraction(2n ** 1100n, 2n ** 100n))).toBe(2 ** 1000);
  });
});
