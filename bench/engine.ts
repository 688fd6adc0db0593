/**
 * One process of the training bench: starts the wasm engine with `--threads N` (its thread count is
 * fixed per process), times training steps of the paper's models and profiles one step per model by
 * kernel. Prints one JSON line. Run by bench/training.ts; by hand:
 *
 *   node --import tsx bench/engine.ts --threads 2 [--models mlp-1x512,small-alexnet,small-inception]
 */
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../src/data/dataset.js';
import type { ImageSet } from '../src/data/images.js';
import { startBackend } from '../src/engine/backend.js';
import type { ModelId } from '../src/models/zoo.js';
import { effectiveGflops, stepper } from './steps.js';

/** One model's timing and where one of its steps spends its time. */
export interface EngineCase {
  model: ModelId;
  n: number;
  shape: [number, number, number];
  timedSteps: number;
  /** mean time of the timed steps: over a whole epoch (the partial last batch included) for the MLP and small AlexNet, over full batches for small Inception */
  msPerStep: number;
  msPerEpoch: number;
  /** effective GFLOP/s: 6 × the registry's multiply-adds per image (forward + the two backward products, the first layer's ∂x included though it is not computed) per second */
  gflops: number;
  /** kernel name → share of the profiled step's kernel time, largest first (top 8, then 'other') */
  kernelShares: [string, number][];
}

/** MNIST's gray images repeated into three channels: a 28×28×3 set with CIFAR-10's shape and cost (no CIFAR files here). */
function threeChannels(set: ImageSet): ImageSet {
  const px = 28 * 28;
  const images = new Float32Array(set.n * px * 3);
  for (let i = 0; i < set.n; i++) for (let p = 0; p < px; p++) for (let ch = 0; ch < 3; ch++) images[(i * px + p) * 3 + ch] = set.images[i * px + p]!;
  return { ...set, images, shape: [28, 28, 3] };
}

/**
 * Times one model. With `timedSteps` null it times one whole epoch — every batch once, the last,
 * partial one included (steps 1 … perEpoch − 1, then 0) — after a warm-up step; otherwise that many
 * full batches, scaled to an epoch by images (n / batch batches' worth), as the partial batch costs
 * its share of a full one.
 */
async function timeModel(id: ModelId, set: ImageSet, timedSteps: number | null): Promise<EngineCase> {
  const run = stepper(id, set);
  await run.step(0); // warm-up: kernels set up, memory grown
  const steps = timedSteps ?? run.perEpoch;
  const t = performance.now();
  for (let s = 1; s <= steps; s++) await run.step(s % run.perEpoch);
  const elapsed = performance.now() - t;
  const msPerStep = elapsed / steps;
  const msPerEpoch = timedSteps === null ? elapsed : msPerStep * (set.n / run.batch);
  // One more step under the profiler (its timers slow it down: shares only, not time).
  const profile = await tf.profile(() => run.step(1)); // a full batch
  const byKernel = new Map<string, number>();
  for (const k of profile.kernels) {
    // Wrappers whose time is the sum of kernels listed on their own: the forward pass of a
    // hand-written-gradient op (tfjs names it 'forward') and tfjs's op-level wrappers ('…__op').
    if (k.name === 'forward' || k.name.endsWith('__op')) continue;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0));
  }
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  const sorted = [...byKernel.entries()].sort((a, b) => b[1] - a[1]);
  const kernelShares: [string, number][] = sorted.slice(0, 8).map(([k, ms]) => [k, Number((ms / total).toFixed(3))]);
  const rest = sorted.slice(8).reduce((s, [, ms]) => s + ms, 0);
  if (rest > 0) kernelShares.push(['other', Number((rest / total).toFixed(3))]);
  run.dispose();
  const gflops = effectiveGflops(run.model, set, msPerEpoch);
  return { model: id, n: set.n, shape: set.shape, timedSteps: steps, msPerStep, msPerEpoch, gflops, kernelShares };
}

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const threads = Number(flag('threads') ?? '1');
if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
  console.error(`bench/engine.ts: --threads must be a whole number from 1 to 8, got '${flag('threads')}'`);
  process.exit(2);
}
const models = (flag('models') ?? 'mlp-1x512,small-alexnet,small-inception').split(',') as ModelId[];
const info = await startBackend('wasm', { threads });
const mnist10k = loadDataset({ source: 'mnist', n: 10_000, seed: 1, test: false }).images('train');
const rgb2k = threeChannels(loadDataset({ source: 'mnist', n: 2_000, seed: 1, test: false }).images('train'));
const cases: EngineCase[] = [];
for (const id of models) {
  // Whole epochs for the MLP and small AlexNet; small Inception (≈ 80 s an epoch) from 3 full batches.
  if (id.startsWith('mlp')) cases.push(await timeModel(id, mnist10k, null));
  else cases.push(await timeModel(id, rgb2k, id === 'small-alexnet' ? null : 3));
}
console.log(JSON.stringify({ threads: info.threads, threadsNote: info.threadsNote ?? null, cases }));
process.exit(0);
