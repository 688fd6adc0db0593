import { describe, expect, test } from 'vitest';
import { Rng } from '../../src/random/rng.js';

describe('Rng', () => {
  test('the same seed gives the same stream; another seed another one', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(xs);
  });

  test('the core is xoshiro128**: from state (1, 2, 3, 4) it gives the reference outputs 11520, 0, 5927040', () => {
    // Worked by hand from Blackman & Vigna's reference code: rotl(s1·5, 7)·9 with s1 = 2 is 11520;
    // after one update s1 = 0; after two, s1 = 1029 and rotl(5145, 7)·9 = 5927040.
    const r = Rng.fromState(1, 2, 3, 4);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([11520, 0, 5927040]);
  });

  test('uniform() lies in [0, 1) with mean ≈ ½; int(n) hits every value about equally often', () => {
    const r = new Rng(7);
    let sum = 0;
    const counts = new Array<number>(10).fill(0);
    const N = 100_000;
    let outside = 0;
    for (let i = 0; i < N; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      counts[r.int(10)]! += 1;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / N - 0.5)).toBeLessThan(0.01); // sd of the mean ≈ 0.0009
    // chi-square with 9 degrees of freedom: P(χ² > 27.9) ≈ 0.001
    const chi2 = counts.reduce((s, c) => s + (c - N / 10) ** 2 / (N / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });

  test('gaussian() has mean 0 and variance 1', () => {
    const r = new Rng(11);
    const N = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      const g = r.gaussian();
      s += g;
      s2 += g * g;
    }
    expect(Math.abs(s / N)).toBeLessThan(0.015);
    expect(Math.abs(s2 / N - 1)).toBeLessThan(0.03);
  });

  test('fork(label) depends on the seed and the label only, not on draws made before', () => {
    const a = new Rng(5);
    a.uniform();
    a.uniform();
    const b = new Rng(5);
    expect(a.fork('labels').nextUint32()).toBe(b.fork('labels').nextUint32());
    expect(b.fork('labels').nextUint32()).not.toBe(b.fork('direction').nextUint32());
  });

  test('refuses seeds that are not safe integers, and bad ranges', () => {
    expect(() => new Rng(1.5)).toThrow(/safe integer/);
    expect(() => new Rng(1).int(0)).toThrow(/n must be an integer/);
  });
});
