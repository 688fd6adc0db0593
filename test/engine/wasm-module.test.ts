/**
 * The project's WebAssembly module (src/engine/wasm-module.ts): the embedded binaries are what
 * scripts/build-wasm.mjs makes of the .wat source, and the momentum-SGD kernel gives bit for bit what
 * the tfjs ops it replaces give on the wasm backend (with and without weight decay, sizes that are and
 * are not multiples of 4). The sparse products have their own file (sparse-dense.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { fc, it as itProp } from '@fast-check/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '../../src/engine/backend.js';
import { MOMENTUM_STEP } from '../../src/engine/wasm-ops.js';
import { kernelsIn, privateMemory } from '../../src/engine/wasm-module.js';
import { Rng } from '../../src/random/rng.js';

describe('the embedded binary', () => {
  it('is what scripts/build-wasm.mjs makes of src/engine/wasm/kernels.wat (both builds)', async () => {
    const build = (await import('../../scripts/build-wasm.mjs' as string)) as {
      WASM_SOURCES: { wat: string; ts: string; name: string }[];
      compileWat(path: string, text: string): Promise<{ shared: Uint8Array; unshared: Uint8Array }>;
      moduleText(source: string, name: string, binaries: { shared: Uint8Array; unshared: Uint8Array }): string;
    };
    expect(build.WASM_SOURCES.map((s) => s.wat)).toEqual(['src/engine/wasm/kernels.wat']);
    for (const { wat, ts, name } of build.WASM_SOURCES) {
      const binaries = await build.compileWat(wat, readFileSync(wat, 'utf8'));
      expect(readFileSync(ts, 'utf8'), `${ts} is stale: run npm run build:wasm`).toBe(build.moduleText(wat, name, binaries));
    }
  });
});

describe('range: min, max and NaN in one pass', () => {
  const memory = privateMemory(1 << 16);
  const k = kernelsIn(memory);
  const rangeOf = (xs: number[]): [number, number, number] => {
    const heap = new Float32Array(memory.buffer);
    heap.set(xs, 4); // x at byte 16; out at byte 0
    const nan = k.range(xs.length, 16, 0);
    return [heap[0]!, heap[1]!, nan];
  };

  itProp.prop([fc.array(fc.float({ noNaN: true, noDefaultInfinity: false }), { minLength: 1, maxLength: 37 }), fc.nat(40), fc.boolean()])(
    'min and max, or the NaN flag (every length mod 4, NaN anywhere: the seed lane, the vectors, the tail)',
    (values, at, withNaN) => {
      const xs = values.map((v) => Math.fround(v));
      if (withNaN) xs.splice(at % (xs.length + 1), 0, NaN);
      const [lo, hi, nan] = rangeOf(xs);
      expect(nan).toBe(withNaN ? 1 : 0);
      if (withNaN) return; // then what range stores means nothing (its callers refuse on the flag)
      expect(lo === Math.min(...xs) || (lo === 0 && Math.min(...xs) === 0)).toBe(true); // ±0 either way
      expect(hi === Math.max(...xs) || (hi === 0 && Math.max(...xs) === 0)).toBe(true);
    },
  );
});

describe('the momentum step', () => {
  beforeAll(async () => {
    await startBackend('wasm');
  });

  it.each([
    [1031, 0],
    [1031, 5e-4],
    [8, 0],
    [3, 1e-2],
  ])('n = %i, λ = %d: the same bits as v\' = v·μ + (g + w·λ), w\' = w − v\'·η in tfjs ops', (n, lambda) => {
    const rng = new Rng(n);
    const values = (): Float32Array => Float32Array.from({ length: n }, () => rng.gaussian());
    const [w, v, g] = [tf.tensor1d(values()), tf.tensor1d(values()), tf.tensor1d(values())];
    const [mu, lr] = [0.9, 0.0137];
    const before = tf.memory().numTensors;
    const [wOurs, vOurs] = (tf.engine().runKernel(MOMENTUM_STEP, { w, v, g }, { momentum: mu, lr, weightDecay: lambda }) as tf.Tensor[]).map((t) => {
      const d = t.dataSync() as Float32Array;
      t.dispose();
      return d;
    });
    expect(tf.memory().numTensors).toBe(before);
    const [wRef, vRef] = tf.tidy(() => {
      const gd = lambda > 0 ? tf.add(g, tf.mul(w, lambda)) : g;
      const vNext = tf.add(tf.mul(v, mu), gd);
      return [tf.sub(w, tf.mul(vNext, lr)), vNext].map((t) => t.dataSync() as Float32Array);
    });
    expect(Array.from(vOurs!)).toEqual(Array.from(vRef!));
    expect(Array.from(wOurs!)).toEqual(Array.from(wRef!));
    tf.dispose([w, v, g]);
  });
});
