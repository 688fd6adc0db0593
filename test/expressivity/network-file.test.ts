/** Saved networks load back and re-certify from the library; damaged files are refused, naming the field. */
import { describe, expect, test } from 'vitest';
import { certify } from '../../src/expressivity/certify.js';
import { interpolateExact } from '../../src/expressivity/exact.js';
import { interpolate } from '../../src/expressivity/interpolate.js';
import { loadNetwork, saveExactNetwork, saveNetwork } from '../../src/expressivity/network-file.js';
import { toFraction } from '../../src/exact/fraction.js';
import { Rng } from '../../src/random/rng.js';

describe('network files', () => {
  test('a float network survives JSON bit for bit and certifies the same as before', () => {
    const rng = new Rng(3);
    const X = Array.from({ length: 60 }, () => [rng.gaussian(), rng.gaussian(), rng.gaussian()]);
    const y = Array.from({ length: 60 }, () => rng.int(10));
    const net = interpolate(X, y, { seed: 1 });
    const loaded = loadNetwork(JSON.parse(JSON.stringify(saveNetwork(net, { seed: 1, data: 'toy' }))));
    expect(loaded.kind).toBe('float');
    if (loaded.kind !== 'float') return;
    expect(Array.from(loaded.params.w)).toEqual(Array.from(net.w));
    expect(Array.from(loaded.order)).toEqual(Array.from(net.order));
    expect(loaded.meta).toEqual({ seed: 1, data: 'toy' });
    const before = certify(net, X, y);
    const after = certify(loaded.params, X, y);
    expect(after.maxResidual).toBe(before.maxResidual);
    expect(after.labelsRecovered).toBe(1);
  });

  test('an exact network survives as fraction strings', () => {
    const X = [[0, 1], [2, 3], [5, -1], [4, 4]];
    const y = [3, -1, 7, 0];
    const net = interpolateExact(X, y, { seed: 2 });
    const loaded = loadNetwork(JSON.parse(JSON.stringify(saveExactNetwork(net))));
    expect(loaded.kind).toBe('exact');
    if (loaded.kind !== 'exact') return;
    expect(loaded.w).toEqual(net.w.map((v) => v.toFraction()));
    X.forEach((x, i) => {
      const z = x.reduce((s, v, j) => s.add(toFraction(loaded.a[j]!).mul(v)), toFraction(0));
      const c = loaded.w.reduce((s, w, j) => {
        const t = z.sub(toFraction(loaded.b[j]!));
        return t.s < 0n ? s : s.add(toFraction(w).mul(t));
      }, toFraction(0));
      expect(c).toEqualFraction(y[i]!);
    });
  });

  test('damaged files are refused naming the field', () => {
    const good = saveNetwork(interpolate([[0], [1], [2]], [1, 2, 0], { seed: 1 }));
    expect(() => loadNetwork({ ...good, format: 'rethink/relu-2layer@9' })).toThrow(/format "rethink\/relu-2layer@9" is not rethink\/relu-2layer@1/);
    expect(() => loadNetwork({ ...good, w: good.w.slice(1) })).toThrow(/'w' must be an array of 3 entries, it has 2/);
    expect(() => loadNetwork({ ...good, b: [0, null, 1] })).toThrow(/b\[1\] = null is not a finite number/);
    expect(() => loadNetwork({ ...good, n: 0 })).toThrow(/'n' must be a positive integer/);
    expect(() => loadNetwork([1, 2])).toThrow(/not a JSON object/);
    expect(() => loadNetwork(null)).toThrow(/not a JSON object/);
    expect(() => loadNetwork('{}')).toThrow(/not a JSON object/);
    for (const bad of [-1, 1.5, '0']) {
      expect(() => loadNetwork({ ...good, order: [0, bad, 2] })).toThrow("network file: 'order' must hold row indices (integers ≥ 0)");
    }
    expect(() => loadNetwork({ ...good, a: ['1'] })).toThrow(/a\[0\] = "1" is not a finite number/); // the first entry, too
    const exact = saveExactNetwork(interpolateExact([[0], [1]], [1, 0]));
    expect(loadNetwork(exact).kind).toBe('exact');
    expect(() => loadNetwork({ ...exact, k: 2 })).toThrow('network file: an exact network has one output (k = 1), got k = 2');
    for (const bad of ['1.5', 'x1/2', '1/2x', 2]) {
      expect(() => loadNetwork({ ...exact, w: [bad, '1'] })).toThrow(`network file: w[0] = ${JSON.stringify(bad)} is not a fraction p/q`);
    }
    expect(() => loadNetwork({ ...exact, w: ['1', '-8/3x'] })).toThrow(/w\[1\] = "-8\/3x" is not a fraction p\/q/);
  });
});
