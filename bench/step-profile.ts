/**
 * One training step of a model, per kernel (`tf.profile`): where the time goes at a given batch and
 * thread count, every kernel with its input shapes. Prints one JSON line. By hand:
 *
 *   node --import tsx bench/step-profile.ts --model small-alexnet --n 40 --threads 1
 *
 * (small AlexNet on 40 MNIST images is `reproduce`'s conv run: one batch of 40 an epoch.)
 */
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../src/data/dataset.js';
import { startBackend } from '../src/engine/backend.js';
import type { ModelId } from '../src/models/zoo.js';
import { stepper } from './steps.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const model = flag('model', 'small-alexnet') as ModelId;
const n = Number(flag('n', '40'));
const threads = Number(flag('threads', '1'));
const repeats = Number(flag('repeats', '10'));
if (!Number.isInteger(n) || n < 1 || !Number.isInteger(threads) || threads < 1 || !Number.isInteger(repeats) || repeats < 1) {
  console.error(`bench/step-profile.ts: --n, --threads and --repeats must be positive whole numbers, got ${n}, ${threads}, ${repeats}`);
  process.exit(2);
}
await startBackend('wasm', { threads });
const set = loadDataset({ source: 'mnist', n, seed: 1, test: false }).images('train');
const run = stepper(model, set);
await run.step(0); // warm-up
const t = performance.now();
for (let s = 0; s < repeats; s++) await run.step(0);
const msPerStep = (performance.now() - t) / repeats;
const profile = await tf.profile(() => run.step(0));
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const k of profile.kernels) {
  // wrappers whose time is the sum of kernels listed on their own (as in bench/engine.ts)
  if (k.name === 'forward' || k.name.endsWith('__op')) continue;
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  const e = byKernel.get(key) ?? { ms: 0, calls: 0 };
  e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  e.calls++;
  byKernel.set(key, e);
}
const kernels = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([kernel, { ms, calls }]) => ({ kernel, ms: Number(ms.toFixed(2)), calls }));
run.dispose();
console.log(JSON.stringify({ model, n, batch: run.batch, threads, msPerStep: Number(msPerStep.toFixed(1)), kernels }));
process.exit(0);
