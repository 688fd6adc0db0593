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

  test('seeds are integers in [0, 2³² − 1]: larger ones are refused, not aliased (s and s + 2³² used to give the same run)', () => {
    for (const bad of [1.5, -1, 2 ** 32, 2 ** 32 + 5, 2 ** 53, NaN]) expect(() => new Rng(bad), String(bad)).toThrow(/the seed must be an integer in \[0, 4294967295\]/);
    expect(new Rng(2 ** 32 - 1).nextUint32()).not.toBe(new Rng(0).nextUint32());
    expect(() => new Rng(1).int(0)).toThrow(/n must be an integer/);
  });

  test('forks are keyed by the whole path: not commutative, not the parent, no collisions over many paths', () => {
    const first = (r: Rng): string => Array.from({ length: 4 }, () => r.nextUint32()).join(',');
    const root = new Rng(9);
    // The old fork was seed ^ hash(label): fork(a).fork(a) gave the parent back and fork(x).fork(y) = fork(y).fork(x).
    expect(first(root.fork('a').fork('a'))).not.toBe(first(new Rng(9)));
    expect(first(root.fork('x').fork('y'))).not.toBe(first(root.fork('y').fork('x')));
    expect(root.fork('x').fork('y').path).toBe('x/y');
    // Distinct paths (two levels deep, over several seeds) give distinct streams.
    const seen = new Map<string, string>();
    for (const seed of [0, 1, 2 ** 31, 2 ** 32 - 1]) {
      for (let i = 0; i < 60; i++) {
        for (let j = 0; j < 60; j++) {
          const key = first(new Rng(seed).fork(`p${i}`).fork(`q${j}`));
          const path = `${seed}:${i}/${j}`;
          expect(seen.get(key), `${path} collides with ${seen.get(key)}`).toBeUndefined();
          seen.set(key, path);
        }
        const one = first(new Rng(seed).fork(`p${i}`));
        expect(seen.has(one)).toBe(false);
        seen.set(one, `${seed}:${i}`);
      }
    }
    expect(seen.size).toBe(4 * 60 * 61);
  });

  test('every output bit has the linear complexity of a random sequence (≈ N/2), the lowest one included', () => {
    // Berlekamp–Massey over GF(2). The Rademacher estimator takes 32 signs from each 32-bit output,
    // so no bit may be a short linear recurrence (xoroshiro128+'s lowest bit has complexity 128).
    const linearComplexity = (s: number[]): number => {
      const n = s.length;
      let b = new Array<number>(n).fill(0);
      const c = new Array<number>(n).fill(0);
      b[0] = c[0] = 1;
      let L = 0;
      let m = -1;
      for (let i = 0; i < n; i++) {
        let d = s[i]!;
        for (let j = 1; j <= L; j++) d ^= c[j]! & s[i - j]!;
        if (d === 1) {
          const t = c.slice();
          for (let j = 0; j + i - m < n; j++) c[j + i - m]! ^= b[j]!;
          if (L <= i / 2) {
            L = i + 1 - L;
            m = i;
            b = t;
          }
        }
      }
      return L;
    };
    const r = new Rng(42);
    const outputs = Array.from({ length: 1000 }, () => r.nextUint32());
    for (const bit of [0, 1, 2, 15, 31]) {
      const L = linearComplexity(outputs.map((v) => (v >>> bit) & 1));
      expect(Math.abs(L - 500), `bit ${bit}: linear complexity ${L}`).toBeLessThan(20);
    }
  });
});
