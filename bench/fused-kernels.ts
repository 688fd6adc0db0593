/**
 * The two single kernels of a training step on wasm against the tfjs ops they replace, in one run:
 * the momentum update (RethinkMomentumStep: one pass) against mul, add, mul, sub on a 784 × 512
 * weight (MLP 1×512's first layer), and the softmax cross-entropy with its gradient
 * (RethinkSoftmaxCrossEntropy and …Grad, through crossEntropy) against logSumExp, mul, sum, sub, mean
 * and their gradients on 128 × 10 logits. The wasm backend runs its kernels synchronously, so a
 * call's time is its work. Prints the mean of 100 calls (after 10).
 *
 *   node --import tsx bench/fused-kernels.ts [--threads 1]
 */
import * as tf from '@tensorflow/tfjs';
import { startBackend } from '../src/engine/backend.js';
import { MOMENTUM_STEP } from '../src/engine/wasm-ops.js';
import { crossEntropy } from '../src/training/sgd.js';

const args = process.argv.slice(2);
const i = args.indexOf('--threads');
const threads = Number(i >= 0 ? args[i + 1] : '1');
if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
  console.error(`bench/fused-kernels.ts: --threads must be 1 … 8, got '${args[i + 1]}'`);
  process.exit(2);
}
const info = await startBackend('wasm', { threads });

function time(f: () => void): number {
  for (let r = 0; r < 10; r++) f();
  const t0 = performance.now();
  for (let r = 0; r < 100; r++) f();
  return (performance.now() - t0) / 100;
}

const [w, v, g] = [0, 1, 2].map((s) => tf.randomNormal([784, 512], 0, 0.05, 'float32', s));
const [mu, lr] = [0.9, 0.01];
const fusedUpdate = time(() => tf.dispose(tf.engine().runKernel(MOMENTUM_STEP, { w: w!, v: v!, g: g! }, { momentum: mu, lr, weightDecay: 0 }) as tf.Tensor[]));
const opsUpdate = time(() =>
  tf.tidy(() => {
    const vNext = tf.add(tf.mul(v!, mu), g!);
    return [tf.sub(w!, tf.mul(vNext, lr)), vNext];
  }).forEach((t) => t.dispose()),
);

const logits = tf.randomNormal([128, 10], 0, 3, 'float32', 4) as tf.Tensor2D;
const labels = tf.oneHot(tf.tensor1d(Array.from({ length: 128 }, (_, r) => r % 10), 'int32'), 10) as tf.Tensor2D;
const opsLoss = (z: tf.Tensor2D): tf.Scalar => tf.mean(tf.sub(tf.logSumExp(z, 1), tf.sum(tf.mul(z, labels), 1)));
const lossAndGrad = (f: (z: tf.Tensor2D) => tf.Scalar) => () =>
  tf.tidy(() => {
    const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => f(z as tf.Tensor2D))(logits);
    return [value, grad];
  }).forEach((t) => t.dispose());
const fusedLoss = time(lossAndGrad((z) => crossEntropy(z, labels)));
const tfjsLoss = time(lossAndGrad(opsLoss));

console.log(`wasm ×${info.threads}; mean ms of 100 calls`);
console.log(`momentum update, 784 × 512: one kernel ${fusedUpdate.toFixed(3)} ms, four tfjs ops ${opsUpdate.toFixed(3)} ms (${(opsUpdate / fusedUpdate).toFixed(2)}×)`);
console.log(`softmax cross-entropy and its gradient, 128 × 10: one kernel each way ${fusedLoss.toFixed(3)} ms, tfjs ops ${tfjsLoss.toFixed(3)} ms (${(tfjsLoss / fusedLoss).toFixed(2)}×)`);
