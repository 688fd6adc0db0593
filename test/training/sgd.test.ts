/**
 * The loss on wasm, one kernel each way (src/engine/wasm-ops.ts): the fused softmax cross-entropy
 * and its gradient against the tfjs-ops formula on the cpu backend (one-hot int32 labels as the
 * trainer makes them, soft float32 labels, extreme logits, a NaN). The momentum step's kernel is
 * tested in test/engine/wasm-module.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '../../src/engine/backend.js';
import { Rng } from '../../src/random/rng.js';
import { crossEntropy } from '../../src/training/sgd.js';
import { maxRelErr } from '../helpers/numbers.js';

beforeAll(async () => {
  await startBackend('cpu');
  await startBackend('wasm');
});

/** Loss and ∂loss/∂z on a backend (cpu: the tfjs ops; wasm: the fused kernels). */
async function lossAndGrad(backend: 'cpu' | 'wasm', z: Float32Array, y: Float32Array | Int32Array, B: number, k: number): Promise<[number, Float32Array]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const labels = tf.tensor2d(y, [B, k], y instanceof Int32Array ? 'int32' : 'float32');
    const { value, grad } = tf.valueAndGrad((logits: tf.Tensor) => crossEntropy(logits as tf.Tensor2D, labels))(tf.tensor2d(z, [B, k]));
    return [value.dataSync()[0]!, grad.dataSync() as Float32Array] as [number, Float32Array];
  });
}

describe('softmax cross-entropy on wasm (one kernel each way) equals the tfjs ops on cpu', () => {
  it.each([
    ['one-hot int32 labels', 1, false],
    ['soft float32 labels', 2, true],
    ['logits of ±400 (exp overflows even float64 without the row maximum)', 400, false],
  ])('%s', async (_name, scale, soft) => {
    const [B, k] = [37, 10];
    const rng = new Rng(5);
    const z = Float32Array.from({ length: B * k }, () => scale * rng.gaussian());
    const y = soft ? Float32Array.from({ length: B * k }, () => rng.uniform() / 5) : Int32Array.from({ length: B * k }, (_, i) => (i % k === (Math.floor(i / k) * 7) % k ? 1 : 0));
    const [refLoss, refGrad] = await lossAndGrad('cpu', z, y, B, k);
    const [loss, grad] = await lossAndGrad('wasm', z, y, B, k);
    expect(Number.isFinite(loss)).toBe(true);
    expect(Math.abs(loss - refLoss) / Math.abs(refLoss)).toBeLessThan(1e-5);
    expect(maxRelErr(grad, refGrad)).toBeLessThan(1e-5);
  });

  it('a NaN logit makes the loss NaN (the trainer reports it), as on cpu', async () => {
    const z = Float32Array.from({ length: 20 }, (_, i) => i / 10);
    z[13] = NaN;
    const y = Int32Array.from({ length: 20 }, (_, i) => (i % 10 === 3 ? 1 : 0));
    expect((await lossAndGrad('cpu', z, y, 2, 10))[0]).toBeNaN();
    expect((await lossAndGrad('wasm', z, y, 2, 10))[0]).toBeNaN();
  });
});
