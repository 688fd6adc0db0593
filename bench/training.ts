import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadDataset } from '../src/data/dataset.js';
import type { ImageSet } from '../src/data/images.js';
import { mnistDirectory } from '../src/data/mnist.js';
import { startBackend, type BackendName } from '../src/engine/backend.js';
import { buildModel, type ModelId } from '../src/models/zoo.js';
import { MomentumSgd } from '../src/training/sgd.js';
import { trainingStep } from '../src/training/trainer.js';
import { epochOrder, gatherBatch, stepsPerEpoch } from '../src/training/batches.js';
import { FIT_DEFAULTS, fit, type FitConfig } from '../src/training/fit.js';
import { fitParallel } from '../src/training/parallel.js';
import type { Bench } from './harness.js';

/** Times `steps` training steps (after 2 warm-up steps) and scales to one epoch of n images. */
async function timeEpoch(id: ModelId, set: ImageSet, steps: number): Promise<{ msPerEpoch: number; gflops: number }> {
  const model = buildModel(id, set.shape, { seed: 1 });
  const sgd = new MomentumSgd(model.store.params, 0.9, 0);
  const B = 128;
  const [h, w, c] = set.shape;
  const x = new Float32Array(B * h * w * c);
  const y = new Int32Array(B);
  const order = epochOrder(set.n, 1, 0);
  const perEpoch = stepsPerEpoch(set.n, B);
  const step = async (s: number): Promise<void> => {
    const from = (s % perEpoch) * B;
    const to = Math.min(set.n, from + B);
    gatherBatch(set, order, from, to, x, y);
    await trainingStep(model, sgd, x, y, to - from, 0.01, { training: true });
  };
  await step(0);
  await step(1);
  const t = performance.now();
  for (let s = 0; s < steps; s++) await step(s);
  const msPerStep = (performance.now() - t) / steps;
  sgd.dispose();
  const msPerEpoch = msPerStep * perEpoch;
  model.dispose();
  // multiply-adds of the registry's count, ×2 FLOPs, ×3 for forward and backward
  return { msPerEpoch, gflops: (6 * model.spec.macsPerExample(set.shape, set.classes) * set.n) / (msPerEpoch * 1e6) };
}

/**
 * Training throughput per backend: ms per epoch and effective GFLOP/s for MLP 1×512 and 3×512 on
 * 10,000 MNIST images and small AlexNet on 2,000, plus one epoch of MLP 1×512 in numpy in the same
 * run (where python3 with numpy exists).
 */
export const trainingBench: Bench = {
  description: 'training throughput: ms/epoch and GFLOP/s per backend, MLP epoch vs numpy',
  async run() {
    const rows: Record<string, string | number | null>[] = [];
    const notes: string[] = [];
    const mnist10k = loadDataset({ source: 'mnist', n: 10_000, seed: 1, test: false }).images('train');
    const mnist2k = loadDataset({ source: 'mnist', n: 2_000, seed: 1, test: false }).images('train');
    let numpyMs: number | null = null;
    try {
      const out = execFileSync('python3', [join(import.meta.dirname, 'reference/mlp_numpy.py'), mnistDirectory(), '10000', '1', '3'], { encoding: 'utf8' });
      numpyMs = (JSON.parse(out) as { msPerEpoch: number }).msPerEpoch;
    } catch {
      notes.push('python3 with numpy not available: no numpy reference');
    }
    const backends: BackendName[] = ['wasm', 'cpu', 'webgpu', 'tensorflow'];
    for (const backend of backends) {
      try {
        await startBackend(backend);
      } catch (e) {
        notes.push(`${backend}: not available — ${(e as Error).message}`);
        continue;
      }
      // The cpu backend is ~30× slower, and webgpu on lavapipe (no GPU) ~10×: fewer timed steps, and
      // no conv net there (cpu: ≈ 1,000 s per epoch).
      const few = backend === 'cpu' || backend === 'webgpu';
      const cases: [ModelId, ImageSet, number][] = [
        ['mlp-1x512', mnist10k, few ? 5 : 79],
        ['mlp-3x512', mnist10k, few ? 3 : 40],
        ...(few ? [] : ([['small-alexnet', mnist2k, 16]] as [ModelId, ImageSet, number][])),
      ];
      for (const [id, set, steps] of cases) {
        const r = await timeEpoch(id, set, steps);
        const isRef = id === 'mlp-1x512' && numpyMs !== null;
        rows.push({ backend, model: id, n: set.n, msPerEpoch: Math.round(r.msPerEpoch), gflops: Number(r.gflops.toFixed(2)), numpyMs: isRef ? Math.round(numpyMs!) : null, ratio: isRef ? Number((r.msPerEpoch / numpyMs!).toFixed(2)) : null });
      }
    }
    // Independent runs: 4 trainings one after another in-process vs 2 worker threads (needs dist/: npm run build).
    const configs: FitConfig[] = [1, 2, 3, 4].map((seed) => ({ ...FIT_DEFAULTS, data: 'mnist', n: 1000, testN: 1000, model: 'mlp-1x512', randomization: 'random-labels', backend: 'wasm', epochs: 30, seed, out: null })); // 30 epochs: not yet fitted, so every run is full length
    let t = performance.now();
    for (const c of configs) await fit(c);
    const sequentialMs = performance.now() - t;
    t = performance.now();
    await fitParallel(configs, 2);
    const parallelMs = performance.now() - t;
    rows.push({ backend: 'wasm', model: '4 runs, sequential', n: 1000, msPerEpoch: Math.round(sequentialMs), gflops: null, numpyMs: null, ratio: null });
    rows.push({ backend: 'wasm', model: '4 runs, 2 workers', n: 1000, msPerEpoch: Math.round(parallelMs), gflops: null, numpyMs: null, ratio: null });
    notes.push(`independent runs in 2 worker threads: ${(sequentialMs / parallelMs).toFixed(2)}× the throughput of running them one after another (total ms in the msPerEpoch column)`);
    notes.push('target: MLP 1×512 on wasm ≤ 8× the numpy epoch (issue 4); near 1× on the native backend where it installs');
    return { rows, notes };
  },
};
