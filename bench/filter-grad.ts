/**
 * The filter gradient (Conv2DBackpropFilter) on wasm in its two forms, for one layer shape: the
 * convolution of x with dy as a filter, and the depthwise convolution over the batch that
 * src/engine/wasm-ops.ts uses up to DEPTHWISE_FILTER_GRAD_MAX_CHANNELS input channels. Prints the
 * mean time of each (over 5 calls, after one) and their largest relative difference.
 *
 *   node --import tsx bench/filter-grad.ts [--threads 2] [--shape N,H,W,C,O,K]   (default 128,28,28,3,64,5)
 */
import * as tf from '@tensorflow/tfjs';
import { startBackend } from '../src/engine/backend.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const shape = flag('shape', '128,28,28,3,64,5').split(',').map(Number);
if (shape.length !== 6 || !shape.every((v) => Number.isInteger(v) && v > 0) || shape[5]! % 2 !== 1) {
  console.error(`bench/filter-grad.ts: --shape must be N,H,W,C,O,K (positive integers, K odd), got '${flag('shape', '')}'`);
  process.exit(2);
}
const [N, H, W, C, O, K] = shape as [number, number, number, number, number, number];
const info = await startBackend('wasm', { threads: Number(flag('threads', '2')) });
const x = tf.randomNormal([N, H, W, C], 0, 1, 'float32', 1) as tf.Tensor4D;
const dy = tf.randomNormal([N, H, W, O], 0, 1, 'float32', 2) as tf.Tensor4D;
const p = (K - 1) / 2;

/** The kernel as registered (it picks its form by C). */
const registered = (): tf.Tensor4D => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [K, K, C, O] } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
/** The convolution form: x as (C, H, W, N) convolved with dy as a (H, W, N, O) filter. */
const convolution = (): tf.Tensor4D =>
  tf.tidy(() => {
    const g = tf.conv2d(tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D, tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D, 1, [[0, 0], [p, p], [p, p], [0, 0]]); // (C, K, K, O)
    return tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D; // (K, K, C, O)
  });
/** The depthwise form: channel n of x (C, H, W, N) with its own filter dy[·,·,n,·], summed over n. */
const depthwise = (): tf.Tensor4D =>
  tf.tidy(() => {
    const g = tf.depthwiseConv2d(tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D, tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D, 1, [[0, 0], [p, p], [p, p], [0, 0]]); // (C, K, K, N·O)
    return tf.transpose(tf.sum(tf.reshape(g, [C, K, K, N, O]), 3), [1, 2, 0, 3]) as tf.Tensor4D; // (K, K, C, O)
  });

function time(f: () => tf.Tensor, reps = 5): number {
  f().dispose();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const y = f();
    y.dataSync();
    y.dispose();
  }
  return (performance.now() - t0) / reps;
}
const ref = convolution().dataSync();
const dw = depthwise().dataSync();
let diff = 0;
let scale = 0;
for (let i = 0; i < ref.length; i++) {
  diff = Math.max(diff, Math.abs(ref[i]! - dw[i]!));
  scale = Math.max(scale, Math.abs(ref[i]!));
}
console.log(
  JSON.stringify({ shape: { N, H, W, C, O, K }, threads: info.threads, convolutionMs: time(convolution), depthwiseMs: time(depthwise), registeredMs: time(registered), maxRelDiff: diff / scale }),
);
