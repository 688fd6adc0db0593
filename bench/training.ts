import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadDataset } from '../src/data/dataset.js';
import type { ImageSet } from '../src/data/images.js';
import { mnistDirectory } from '../src/data/mnist.js';
import { startBackend, type BackendName } from '../src/engine/backend.js';
import type { ModelId } from '../src/models/zoo.js';
import { BENCH_BATCH, effectiveGflops, stepper } from './steps.js';
import { FIT_DEFAULTS, fit, type FitConfig } from '../src/training/fit.js';
import { fitParallel } from '../src/training/parallel.js';
import { compare, type Bench, type Comparison } from './harness.js';
import type { EngineCase } from './engine.js';
import { availableParallelism } from 'node:os';

/** Times `steps` full training steps (after 2 warm-up steps) and scales to one epoch of n images (n / batch batches' worth). */
async function timeEpoch(id: ModelId, set: ImageSet, steps: number): Promise<{ msPerEpoch: number; gflops: number }> {
  if (set.n < BENCH_BATCH) throw new Error(`bench/training.ts timeEpoch: ${set.n} images are fewer than one batch of ${BENCH_BATCH}; it times full batches`);
  const run = stepper(id, set);
  const fullBatches = Math.floor(set.n / run.batch);
  await run.step(0);
  await run.step(1);
  const t = performance.now();
  for (let s = 0; s < steps; s++) await run.step(s % fullBatches); // full batches only
  const msPerEpoch = ((performance.now() - t) / steps) * (set.n / run.batch);
  run.dispose();
  return { msPerEpoch, gflops: effectiveGflops(run.model, set, msPerEpoch) };
}

/** What one bench/engine.ts process reports. */
interface EngineRun {
  threads: number;
  threadsNote: string | null;
  cases: EngineCase[];
}

/** Runs bench/engine.ts in a child process (the wasm engine's thread count is fixed per process). */
function engineRun(threads: number, models: string): EngineRun {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'engine.ts'), '--threads', String(threads), '--models', models], {
    encoding: 'utf8',
    env: { ...process.env, RETHINK_WASM_THREADS: String(threads) },
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as EngineRun;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const pct = (shares: [string, number][]): string => shares.map(([k, v]) => `${k} ${(100 * v).toFixed(1)}%`).join(', ');

/**
 * Training throughput: the wasm engine on all cores `TRAINING_BENCH_RUNS` times (each run in its own
 * process, interleaved with the numpy reference) and on one thread once for MLP 1×512 on 10,000 MNIST
 * images and small AlexNet and small Inception on 2,000 28×28×3 images, with per-kernel time shares
 * of one step of each model; then the other backends (MLPs), and independent runs in worker threads.
 */
export const trainingBench: Bench = {
  description: 'training throughput: wasm on 1 and all threads (ms/epoch, GFLOP/s, kernel shares), MLP epoch vs numpy, other backends',
  async run() {
    const rows: Record<string, string | number | null>[] = [];
    const notes: string[] = [];
    const comparisons: Comparison[] = [];
    const runs = Math.max(1, Number(process.env.TRAINING_BENCH_RUNS ?? '1'));
    const cores = Math.min(8, availableParallelism());
    const threadCounts = cores > 1 ? [1, cores] : [1];
    const models = process.env.TRAINING_BENCH_MODELS ?? 'mlp-1x512,small-alexnet,small-inception';
    const numpy = (): number | null => {
      try {
        const out = execFileSync('python3', [join(import.meta.dirname, 'reference/mlp_numpy.py'), mnistDirectory(), '10000', '1', '3'], { encoding: 'utf8' });
        return (JSON.parse(out) as { msPerEpoch: number }).msPerEpoch;
      } catch {
        return null;
      }
    };
    const numpyMs: number[] = [];
    const engine = new Map<number, EngineRun[]>(threadCounts.map((t) => [t, []]));
    // All threads: `runs` times; one thread (the comparison for the thread speed-up): once.
    for (let r = 0; r < runs; r++) {
      const np = numpy();
      if (np !== null) numpyMs.push(np);
      for (const t of threadCounts) if (r === 0 || t !== 1 || threadCounts.length === 1) engine.get(t)!.push(engineRun(t, models));
    }
    if (numpyMs.length === 0) notes.push('python3 with numpy not available: no numpy reference');
    const numpyMedian = numpyMs.length > 0 ? median(numpyMs) : null;
    const epochMs = (t: number, model: string): number[] => engine.get(t)!.map((e) => e.cases.find((c) => c.model === model)?.msPerEpoch ?? NaN);
    for (const t of threadCounts) {
      const first = engine.get(t)![0]!;
      if (first.threadsNote !== null) notes.push(`wasm, ${t} threads asked: ${first.threadsNote}`);
      for (const c of first.cases) {
        const all = epochMs(t, c.model);
        const isRef = c.model === 'mlp-1x512' && numpyMedian !== null;
        rows.push({
          backend: `wasm ×${first.threads}`,
          model: c.model,
          n: c.n,
          msPerEpoch: Math.round(median(all)),
          runs: all.map((v) => Math.round(v)).join(' / '),
          gflops: Number(median(engine.get(t)!.map((e) => e.cases.find((k) => k.model === c.model)!.gflops)).toFixed(1)), // effective: 6 × multiply-adds / time
          numpyMs: isRef ? Math.round(numpyMedian) : null,
          ratio: isRef ? Number((median(all) / numpyMedian).toFixed(2)) : null,
        });
        notes.push(`kernel shares, one step of ${c.model} (batch ${BENCH_BATCH}, ${c.shape.join('×')}), wasm ×${first.threads}: ${pct(c.kernelShares)}`);
      }
    }
    const top = threadCounts[threadCounts.length - 1]!;
    const mlp = epochMs(top, 'mlp-1x512');
    const alex = epochMs(top, 'small-alexnet');
    const inc = epochMs(top, 'small-inception');
    if (numpyMedian !== null && !mlp.some(Number.isNaN)) {
      comparisons.push(compare(`MLP 1×512, one epoch of 10,000 MNIST images, wasm ×${top} (median of ${runs})`, 'ms', Math.round(median(mlp)), Math.round(numpyMedian), 'numpy/OpenBLAS, same run', '≤ 3×'));
    }
    if (!alex.some(Number.isNaN)) comparisons.push(compare(`small AlexNet, one epoch of 2,000 28×28×3 images, wasm ×${top} (median of ${runs})`, 's', Number((median(alex) / 1000).toFixed(2)), null, null, '≤ 8 s'));
    if (!alex.some(Number.isNaN) && !inc.some(Number.isNaN)) {
      comparisons.push(compare(`small Inception epoch on the same images, wasm ×${top}`, 's', Number((median(inc) / 1000).toFixed(2)), Number((median(alex) / 1000).toFixed(2)), 'small AlexNet, same run', '≤ 2×'));
    }
    if (threadCounts.length > 1) {
      for (const model of models.split(',')) {
        const one = epochMs(1, model);
        const many = epochMs(top, model);
        if (one.some(Number.isNaN) || many.some(Number.isNaN)) continue;
        comparisons.push(compare(`${model} epoch, wasm ×${top} against ×1`, 'ms', Math.round(median(many)), Math.round(median(one)), 'wasm ×1, same run'));
      }
    }
    // The other backends: the MLPs only (cpu ≈ 30× slower than wasm; webgpu through lavapipe without a GPU ≈ 10×).
    const mnist10k = loadDataset({ source: 'mnist', n: 10_000, seed: 1, test: false }).images('train');
    for (const backend of ['cpu', 'webgpu', 'tensorflow'] as BackendName[]) {
      if (process.env.TRAINING_BENCH_OTHER_BACKENDS === '0') break;
      try {
        await startBackend(backend);
      } catch (e) {
        notes.push(`${backend}: not available — ${(e as Error).message}`);
        continue;
      }
      const few = backend !== 'tensorflow';
      for (const [id, steps] of [['mlp-1x512', few ? 5 : 79], ['mlp-3x512', few ? 3 : 40]] as [ModelId, number][]) {
        const r = await timeEpoch(id, mnist10k, steps);
        const isRef = id === 'mlp-1x512' && numpyMedian !== null;
        rows.push({ backend, model: id, n: mnist10k.n, msPerEpoch: Math.round(r.msPerEpoch), runs: null, gflops: Number(r.gflops.toFixed(2)), numpyMs: isRef ? Math.round(numpyMedian) : null, ratio: isRef ? Number((r.msPerEpoch / numpyMedian).toFixed(2)) : null });
      }
    }
    // Independent runs: 4 trainings one after another in-process vs 2 worker threads (needs dist/: npm run build).
    if (process.env.TRAINING_BENCH_PARALLEL !== '0') {
      await startBackend('wasm');
      const configs: FitConfig[] = [1, 2, 3, 4].map((seed) => ({ ...FIT_DEFAULTS, data: 'mnist', n: 1000, testN: 1000, model: 'mlp-1x512', randomization: 'random-labels', backend: 'wasm', epochs: 30, seed, out: null })); // 30 epochs: not yet fitted, so every run is full length
      let t = performance.now();
      for (const c of configs) await fit(c);
      const sequentialMs = performance.now() - t;
      t = performance.now();
      await fitParallel(configs, 2);
      const parallelMs = performance.now() - t;
      rows.push({ backend: 'wasm', model: '4 runs, sequential', n: 1000, msPerEpoch: Math.round(sequentialMs), runs: null, gflops: null, numpyMs: null, ratio: null });
      rows.push({ backend: 'wasm', model: '4 runs, 2 workers', n: 1000, msPerEpoch: Math.round(parallelMs), runs: null, gflops: null, numpyMs: null, ratio: null });
      notes.push(`independent runs in 2 worker threads (the cores shared out: ${Math.max(1, Math.floor(availableParallelism() / 2))} wasm thread${Math.floor(availableParallelism() / 2) > 1 ? 's' : ''} each): ${(sequentialMs / parallelMs).toFixed(2)}× the throughput of running them one after another on all threads (total ms in the msPerEpoch column)`);
    }
    notes.push(`numpy epochs (ms): ${numpyMs.map((v) => Math.round(v)).join(' / ') || '—'}`);
    return { rows, notes, comparisons };
  },
};
