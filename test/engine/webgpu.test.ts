/**
 * The webgpu backend (Dawn + tfjs-backend-webgpu) on a tiny model: a few training steps give the
 * same losses as the cpu reference. Without a GPU it runs on Mesa's lavapipe; CI installs that and
 * sets RETHINK_REQUIRE_WEBGPU=1, so there a missing adapter fails instead of skipping.
 */
import { describe, expect, it } from 'vitest';
import { startBackend } from '../../src/engine/backend.js';
import { loadDataset } from '../../src/data/dataset.js';
import type { ImageSet } from '../../src/data/images.js';
import type { ModelId } from '../../src/models/zoo.js';
import { kernelInterpolateFast } from '../../src/implicit/kernel-fast.js';
import { centreCrop, lossesOn } from '../helpers/training.js';

const available: true | string = await startBackend('webgpu').then(
  () => true as const,
  (e: Error) => e.message,
);
const required = process.env.RETHINK_REQUIRE_WEBGPU === '1';

describe('webgpu backend', () => {
  it.runIf(available !== true && required)('is required here (RETHINK_REQUIRE_WEBGPU=1) but did not start', () => {
    expect.fail(`webgpu did not start: ${String(available)}`);
  });
  if (available !== true && !required) console.warn(`webgpu test skipped here: ${available}`);

  it.skipIf(available !== true)('MLP 1×512 and a small conv net train to the same losses as on cpu', async () => {
    const mnist = loadDataset({ source: 'mnist', n: 8, seed: 1, test: false }).images('train');
    const small = centreCrop(mnist, 8);
    for (const [id, set] of [['mlp-1x512', mnist], ['small-alexnet', small]] as [ModelId, ImageSet][]) {
      const cpu = await lossesOn('cpu', id, set);
      const gpu = await lossesOn('webgpu', id, set);
      cpu.forEach((l, i) => expect(Math.abs(gpu[i]! - l) / l).toBeLessThan(1e-3));
      expect(new Set(gpu).size).toBe(3);
    }
  });

  it.skipIf(available !== true)('kernel interpolation by CG reads everything asynchronously and matches wasm', async () => {
    const set = loadDataset({ source: 'mnist', n: 120, seed: 2, test: false }).images('train');
    const run = async (backend: 'wasm' | 'webgpu') => {
      await startBackend(backend);
      const f = await kernelInterpolateFast(set.images, set.labels, set.n, 784, { kernel: { kind: 'gaussian', gamma: 0.002 }, tol: 0.01 });
      f.dispose();
      return f;
    };
    const gpu = await run('webgpu');
    const cpu = await run('wasm');
    expect(gpu.trainError).toBe(0);
    expect(Math.abs(gpu.iterations - cpu.iterations)).toBeLessThanOrEqual(1);
    expect(gpu.rkhsNorm / cpu.rkhsNorm).toBeCloseTo(1, 2);
  });
});
