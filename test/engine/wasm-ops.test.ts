/**
 * The project's wasm kernels against the `cpu` backend (the reference): each gradient on several
 * shapes (strides 1 and 2, 'same' and 'valid', 1×1, odd sizes), and mixed-sign / tied inputs for
 * max-pooling, where the stock wasm kernel is wrong.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { startBackend } from '../../src/engine/backend.js';
import { DEPTHWISE_FILTER_GRAD_MAX_CHANNELS } from '../../src/engine/wasm-ops.js';
import { JS_KERNELS } from '../../src/engine/js-kernels.js';
import { kernelsIn, type WasmMemory } from '../../src/engine/wasm-module.js';
import { Rng } from '../../src/random/rng.js';
import { maxRelErr } from '../helpers/numbers.js';

function randomValues(rng: Rng, size: number, ties = false): Float32Array {
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = ties ? Math.round(rng.gaussian() * 2) / 2 : rng.gaussian();
  return v;
}

/** Gradients of Σ y·r (r fixed random) w.r.t. every input, on the given backend. */
async function grads(backend: 'cpu' | 'wasm', f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: { shape: number[]; values: Float32Array }[], seed: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.values, i.shape));
    const yShape = f(...xs).shape;
    const r = tf.tensor(randomValues(new Rng(seed), yShape.reduce((a, b) => a * b, 1)), yShape);
    const g = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), r)));
    return g(xs).map((t) => t.dataSync() as Float32Array);
  });
}

async function compare(f: (...xs: tf.Tensor[]) => tf.Tensor, shapes: number[][], seed: number, ties = false): Promise<number> {
  const rng = new Rng(seed);
  const inputs = shapes.map((shape) => ({ shape, values: randomValues(rng, shape.reduce((a, b) => a * b, 1), ties) }));
  const ref = await grads('cpu', f, inputs, seed + 1);
  const ours = await grads('wasm', f, inputs, seed + 1);
  expect(ours.length).toBe(ref.length);
  return Math.max(...ours.map((g, i) => maxRelErr(g, ref[i]!)));
}

beforeAll(async () => {
  await startBackend('cpu');
  await startBackend('wasm');
});

describe('the project\'s wasm ops match the cpu backend', () => {
  const convCases: [string, number[], number[], number, 'same' | 'valid'][] = [
    ['5×5 same stride 1', [2, 9, 9, 3], [5, 5, 3, 4], 1, 'same'],
    ['3×3 same stride 2, even size', [3, 8, 8, 2], [3, 3, 2, 5], 2, 'same'],
    ['3×3 same stride 2, odd size', [2, 7, 7, 3], [3, 3, 3, 2], 2, 'same'],
    ['3×3 valid stride 2 (stride does not divide)', [2, 8, 8, 3], [3, 3, 3, 4], 2, 'valid'],
    ['1×1 stride 1', [2, 5, 5, 6], [1, 1, 6, 3], 1, 'valid'],
    ['1×1 stride 2', [2, 6, 6, 4], [1, 1, 4, 3], 2, 'same'],
    ['non-square 2×3 valid', [1, 6, 7, 2], [2, 3, 2, 3], 1, 'valid'],
    ['3×3 same stride 2 on 4×4 (tiny Inception)', [3, 4, 4, 5], [3, 3, 5, 4], 2, 'same'],
    ['3×3 same stride 2 on 2×2', [3, 2, 2, 5], [3, 3, 5, 4], 2, 'same'],
    ['3×3 same stride 1 on 1×1', [3, 1, 1, 5], [3, 3, 5, 4], 1, 'same'],
    ['2×2 same stride 1 (even kernel: padding 0 above, 1 below)', [2, 6, 5, 2], [2, 2, 2, 3], 1, 'same'],
    ['4×3 same stride 1 (even and odd)', [1, 7, 6, 3], [4, 3, 3, 2], 1, 'same'],
    // ∂W takes the depthwise form up to DEPTHWISE_FILTER_GRAD_MAX_CHANNELS input channels, the
    // convolution form above that (tested below: both are reached):
    ['3×3 valid stride 2, 6 channels (stride does not divide)', [2, 8, 8, 6], [3, 3, 6, 4], 2, 'valid'],
    ['5×5 same stride 1, 5 channels', [2, 9, 9, 5], [5, 5, 5, 3], 1, 'same'],
  ];
  it.each(convCases)('conv2d gradients (input and filter): %s', async (_name, xShape, wShape, s, pad) => {
    const err = await compare((x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad), [xShape, wShape], 11);
    expect(err).toBeLessThan(1e-5);
  });

  const poolCases: [string, number[], number, number, 'same' | 'valid'][] = [
    ['2×2 stride 2', [2, 8, 8, 3], 2, 2, 'valid'],
    ['3×3 stride 2 same (AlexNet)', [2, 9, 9, 4], 3, 2, 'same'],
    ['3×3 stride 2 same, even size (Inception)', [2, 8, 8, 2], 3, 2, 'same'],
    ['3×3 stride 2 same on 2×2', [3, 2, 2, 4], 3, 2, 'same'],
    ['3×3 stride 2 same, 6 channels (four at a time, then one by one)', [2, 9, 9, 6], 3, 2, 'same'],
  ];
  it.each(poolCases)('max-pool gradient on mixed-sign, tied input: %s', async (_name, xShape, size, s, pad) => {
    const err = await compare((x) => tf.maxPool(x as tf.Tensor4D, size, s, pad), [xShape], 21, true);
    expect(err).toBeLessThan(1e-6);
  });

  it.each([2, 6])('max-pool gradient with NaN and −∞ in the windows, %i channels: routed as on the cpu backend (never to a NaN; nowhere from a window of −∞)', async (C) => {
    // 6 channels: four at a time, then two one by one (kernels.wat); NaN and −∞ in both parts.
    const shape = [1, 4, 4, C];
    const values = Float32Array.from({ length: 16 * C }, (_, i) => (i % 7) - 3);
    const at = (pos: number, ch: number): number => pos * C + ch;
    for (const ch of C > 2 ? [0, 4] : [0]) values[at(0, ch)] = NaN; // first position of the first window
    for (const ch of C > 2 ? [1, 5] : [1]) for (const pos of [0, 1, 2, 3, 4, 5, 8, 9, 12, 13]) values[at(pos, ch)] = -Infinity; // the top-left 2×2 window all −∞, and more
    const gradOn = async (backend: 'cpu' | 'wasm'): Promise<number[]> => {
      await tf.setBackend(backend);
      const weights = tf.tensor(Array.from({ length: 4 * C }, (_, i) => i + 1), [1, 2, 2, C]);
      const g = tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), weights)))(tf.tensor(values, shape)).dataSync()));
      weights.dispose();
      return g;
    };
    expect(await gradOn('wasm')).toEqual(await gradOn('cpu'));
  });

  const lrnCases: [string, number[], number, number, number, number][] = [
    ['AlexNet\'s (radius 4, bias 1, α = 0.001/9, β = 0.75)', [2, 5, 5, 16], 4, 1, 0.001 / 9, 0.75],
    ['a strong one (α = 0.5, β = 0.75)', [2, 3, 3, 12], 4, 1, 0.5, 0.75],
    ['window wider than the channels (radius 3 on 4), β = 0.5', [3, 2, 2, 4], 3, 2, 0.3, 0.5],
    ['general β = 0.6, radius 1', [1, 4, 4, 7], 1, 0.5, 0.2, 0.6],
  ];
  it.each(lrnCases)('local response normalisation and its gradient: %s', async (_name, shape, r, bias, alpha, beta) => {
    const f = (x: tf.Tensor): tf.Tensor => tf.localResponseNormalization(x as tf.Tensor4D, r, bias, alpha, beta);
    const values = randomValues(new Rng(41), shape.reduce((a, b) => a * b, 1)).map((v) => 3 * v);
    const forward = async (backend: 'cpu' | 'wasm'): Promise<Float32Array> => {
      await tf.setBackend(backend);
      return tf.tidy(() => f(tf.tensor(values, shape)).dataSync() as Float32Array);
    };
    expect(maxRelErr(await forward('wasm'), await forward('cpu'))).toBeLessThan(1e-6);
    expect(await compare(f, [shape], 43)).toBeLessThan(1e-5);
  });

  const sumCases: [string, number[], number | number[], boolean, 'float32' | 'int32'][] = [
    ['leading axes 0, 1, 2 of a 4-D tensor (a bias gradient)', [3, 4, 5, 6], [0, 1, 2], false, 'float32'],
    ['axis 0 of a matrix', [7, 5], 0, false, 'float32'],
    ['leading axes of (5, 7, 37): columns 16 at a time, then 4, then 1', [5, 7, 37], [0, 1], false, 'float32'],
    ['leading axes, keepDims', [3, 4, 5], [1, 0], true, 'float32'],
    ['a trailing axis (the stock kernel)', [3, 4, 5], 2, false, 'float32'],
    ['every axis (the stock kernel)', [3, 4], [0, 1], false, 'float32'],
    ['a middle axis (the stock kernel)', [3, 4, 5], 1, false, 'float32'],
    ['leading axes of int32 (the stock kernel)', [4, 3], 0, false, 'int32'],
    ['negative axis −3 = 0', [2, 3, 4], -3, false, 'float32'],
  ];
  it.each(sumCases)('sum: %s', async (_name, shape, axis, keepDims, dtype) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = dtype === 'int32' ? Int32Array.from({ length: size }, (_, i) => (i * 7) % 11 - 5) : randomValues(new Rng(51), size);
    const run = async (backend: 'cpu' | 'wasm'): Promise<{ shape: number[]; data: Float32Array | Int32Array }> => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const y = tf.sum(tf.tensor(values, shape, dtype), axis, keepDims);
        return { shape: y.shape, data: y.dataSync() as Float32Array | Int32Array };
      });
    };
    const [ours, ref] = [await run('wasm'), await run('cpu')];
    expect(ours.shape).toEqual(ref.shape);
    if (dtype === 'int32') expect(Array.from(ours.data)).toEqual(Array.from(ref.data));
    else expect(maxRelErr(ours.data as Float32Array, ref.data as Float32Array)).toBeLessThan(1e-5);
  });

  it('matMul gradients with every transpose combination', async () => {
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = tA ? [7, 5] : [5, 7];
      const b = tB ? [3, 7] : [7, 3];
      const err = await compare((x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, tA, tB), [a, b], 31);
      expect(err).toBeLessThan(1e-5);
    }
  });

  // Plain and fused products: transposed or batched fused products are the product, then the bias and
  // the activation as kernels of their own (the stock fused kernel's loop adds the wrong bias element,
  // once per 48-wide block of the shared dimension, and clamps partial sums). Against the cpu backend,
  // every activation; no tensor and no wasm buffer is left behind.
  const productCases: [string, number[], number[], boolean, boolean][] = [
    ['dense layer 128×784 · 784×64 (the stock fused kernel)', [128, 784], [784, 64], false, false],
    ['xᵀ·g (a weight gradient)', [33, 17], [33, 9], true, false],
    ['g·Wᵀ (an input gradient: run as (W·gᵀ)ᵀ, W being the larger)', [6, 9], [17, 9], false, true],
    ['g·Wᵀ batched (1, 6, 9) · (1, 17, 9)ᵀ (as (W·gᵀ)ᵀ)', [1, 6, 9], [1, 17, 9], false, true],
    ['both transposed', [7, 4], [5, 7], true, true],
    ['transposed, shared dimension 100 > 48', [5, 100], [3, 100], false, true],
    ['1×1 · 1×1 (the stock fused kernel)', [1, 1], [1, 1], false, false],
    ['batched (2, 5, 7) · (2, 7, 3)', [2, 5, 7], [2, 7, 3], false, false],
    ['batched, transposed (2, 7, 5)ᵀ · (2, 3, 7)ᵀ', [2, 7, 5], [2, 3, 7], true, true],
  ];
  const activations = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const;
  /** The wasm backend's count of live buffers (tf.memory() does not see one a kernel leaks). */
  const wasmBuffers = (): number => (tf.findBackend('wasm') as unknown as { numDataIds(): number }).numDataIds();
  it.each(productCases)('products and fused products (each activation, with and without bias) equal the cpu backend\'s: %s', async (_name, aShape, bShape, tA, tB) => {
    const rng = new Rng(47);
    const size = (s: number[]) => s.reduce((p, q) => p * q, 1);
    const aV = randomValues(rng, size(aShape));
    const bV = randomValues(rng, size(bShape));
    const n = tB ? bShape[bShape.length - 2]! : bShape[bShape.length - 1]!;
    const biasV = randomValues(rng, n);
    const alphaV = Float32Array.from(randomValues(rng, n), (v) => Math.abs(v) / 2);
    const run = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      const buffers = backend === 'wasm' ? wasmBuffers() : 0;
      const out = tf.tidy(() => {
        const a = tf.tensor(aV, aShape);
        const b = tf.tensor(bV, bShape);
        const results: Float32Array[] = [tf.matMul(a, b, tA, tB).dataSync() as Float32Array];
        for (const activation of activations) {
          for (const withBias of [true, false]) {
            const fused = tf.fused.matMul({
              a, b, transposeA: tA, transposeB: tB, activation,
              ...(withBias ? { bias: tf.tensor1d(biasV) } : {}),
              ...(activation === 'leakyrelu' ? { leakyreluAlpha: 0.3 } : {}),
              ...(activation === 'prelu' ? { preluActivationWeights: tf.tensor1d(alphaV) } : {}),
            });
            results.push(fused.dataSync() as Float32Array);
          }
        }
        return [results, tf.matMul(a, b, tA, tB).shape] as const;
      });
      expect(tf.memory().numTensors).toBe(before);
      if (backend === 'wasm') expect(wasmBuffers()).toBe(buffers);
      return out;
    };
    const [ours, shape] = await run('wasm');
    const [ref, shapeRef] = await run('cpu');
    expect(shape).toEqual(shapeRef);
    ours.forEach((o, i) => expect(maxRelErr(o, ref[i]!), `result #${i}`).toBeLessThan(1e-5));
    const relu = ref[3]!; // relu with bias
    if (relu.length > 8) expect(relu.some((v) => v === 0) && relu.some((v) => v > 0)).toBe(true); // the ReLU cuts somewhere and passes somewhere
  });

  it('an unsupported activation on the composed path is refused before anything is allocated', async () => {
    await tf.setBackend('wasm');
    const buffers = wasmBuffers();
    const a = tf.ones([1, 2, 3]);
    const b = tf.ones([1, 4, 3]);
    expect(() => tf.engine().runKernel('_FusedMatMul', { a, b }, { transposeA: false, transposeB: true, activation: 'swish' } as unknown as tf.NamedAttrMap)).toThrow(
      "_FusedMatMul on wasm: activation 'swish' is not supported (linear, relu, relu6, elu, sigmoid, leakyrelu, prelu)",
    );
    tf.dispose([a, b]);
    expect(wasmBuffers()).toBe(buffers);
  });

  it('the gradient cases reach both forms of ∂W, and a window smaller than the filter is refused', async () => {
    const inChannels = convCases.map(([, xShape]) => xShape[3]!);
    expect(inChannels.filter((c) => c <= DEPTHWISE_FILTER_GRAD_MAX_CHANNELS).length).toBeGreaterThanOrEqual(3);
    expect(inChannels.filter((c) => c > DEPTHWISE_FILTER_GRAD_MAX_CHANNELS).length).toBeGreaterThanOrEqual(3);
    await tf.setBackend('wasm');
    for (const c of [3, 5]) {
      const buffers = wasmBuffers();
      const out = backend_util.computeConv2DInfo([2, 8, 8, c], [3, 3, c, 2], 3, 1, 1, 'ceil'); // 8 + 2 − 3 = 7 → ⌈7/3⌉ + 1 = 4 rows of output
      expect(out.outHeight).toBe(4);
      const x = tf.ones([2, 8, 8, c]);
      const dy = tf.ones([2, out.outHeight, out.outWidth, 2]);
      expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 3, pad: 1, dataFormat: 'NHWC', dimRoundingMode: 'ceil', filterShape: [3, 3, c, 2] } as unknown as tf.NamedAttrMap)).toThrow(
        /Conv2DBackpropFilter on wasm: the gradient's window [12]×[12] is smaller than the filter 3×3 \(x \(2, 8, 8, \d\), dy \(2, 4, 4, 2\), pad 1, dimRoundingMode ceil\): use pad 'same' or 'valid', or dimRoundingMode 'floor'/,
      );
      tf.dispose([x, dy]);
      expect(wasmBuffers()).toBe(buffers);
    }
  });
});

describe('the wasm heap guard', () => {
  // tfjs-backend-wasm does not check malloc: without the guard the first case "succeeds" with a
  // wrapped-around 32-bit size and the second with address 0, and the next kernel writes over the
  // heap ("memory access out of bounds"). Kernels allocate their outputs through makeOutput, as here.
  interface Backend {
    makeOutput(shape: number[], dtype: 'float32'): { dataId: object };
    disposeData(dataId: object): void;
  }
  const backend = (): Backend => {
    const b = tf.findBackend('wasm') as unknown as Backend & { wasm?: { rethinkHeapGuard?: true } };
    expect(b.wasm?.rethinkHeapGuard).toBe(true);
    return b;
  };

  it('an allocation of 4 GiB or more is refused with a clear error, and the backend keeps working', async () => {
    expect(() => backend().makeOutput([1_100_000_000], 'float32')).toThrow(/WebAssembly heap cannot hold 4\.10 GiB more .* Lower --batch-size/);
    await tf.setBackend('wasm');
    expect(Array.from(tf.add(tf.ones([2]), 1).dataSync())).toEqual([2, 2]);
  });

  it('an allocation the full heap cannot satisfy is refused, not placed at address 0', async () => {
    const a = backend().makeOutput([600_000_000], 'float32'); // 2.24 GiB
    try {
      expect(() => backend().makeOutput([600_000_000], 'float32')).toThrow(/WebAssembly heap cannot hold 2\.24 GiB more/);
      await tf.setBackend('wasm');
      expect(Array.from(tf.add(tf.ones([2]), 1).dataSync())).toEqual([2, 2]);
    } finally {
      backend().disposeData(a.dataId);
    }
  });
});

describe('Identity on wasm shares the data (no copy) and keeps it alive', () => {
  beforeAll(async () => {
    await startBackend('wasm');
  });

  it('a clone outlives its original, a snapshot of a variable outlives the variable\'s next value, and the last reference frees the data', async () => {
    await tf.setBackend('wasm');
    const dataIds = (): number => (tf.findBackend('wasm') as unknown as { numDataIds(): number }).numDataIds();
    const before = dataIds();
    const t = tf.tensor1d([1, 2, 3]);
    const c = tf.clone(t);
    expect(dataIds()).toBe(before + 1); // one buffer, two tensors
    t.dispose();
    expect(Array.from(await c.data())).toEqual([1, 2, 3]);
    const [first, next] = [tf.tensor1d([4, 5, 6]), tf.tensor1d([7, 8, 9])];
    const v = tf.variable(first);
    const snapshot = tf.clone(v);
    v.assign(next);
    expect(Array.from(await snapshot.data())).toEqual([4, 5, 6]);
    expect(Array.from(await v.data())).toEqual([7, 8, 9]);
    for (const x of [c, snapshot, v, first, next]) x.dispose();
    expect(dataIds()).toBe(before);
  });
});

describe('LRN in the WebAssembly module = the JavaScript loops, bit for bit', () => {
  beforeAll(async () => {
    await startBackend('wasm');
  });

  it.each([
    [0.75, 4, 13],
    [0.5, 2, 13],
    [0.75, 4, 64],
    [0.75, 6, 5],
  ])('β = %d, radius %i, %i channels (windows clipped at both ends; two channels at a time, then one)', async (beta, r, C) => {
    await tf.setBackend('wasm');
    const be = tf.backend() as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } }; wasm: { wasmMemory?: WasmMemory; asm?: { memory?: WasmMemory } } };
    const memory = (be.wasm.wasmMemory ?? be.wasm.asm?.memory)!;
    const wasm = kernelsIn(memory);
    const rng = new Rng(C * 10 + r);
    const pixels = 3 * 5 * 5;
    const t = (values: Float32Array) => tf.tensor1d(values);
    const [x, y, dy] = [0, 1, 2].map(() => t(Float32Array.from(randomValues(rng, pixels * C), (v) => 3 * v)));
    const outs = [0, 1, 2, 3].map(() => tf.zeros([pixels * C]).add(0));
    const scratch = tf.fill([2 * 2 * (3 * C + 2) + 64], NaN); // NaN around it: a read outside its area shows
    const at = (tensor: tf.Tensor): number => be.dataIdMap.get(tensor.dataId).memoryOffset / 4;
    const heap = () => new Float32Array(memory.buffer);
    const floats = Float64Array.from([1.5, 0.2, beta]);
    JS_KERNELS.lrn(heap(), Int32Array.from([at(x!), at(outs[0]!), C, r]), floats, 0, pixels, undefined); // the loops
    JS_KERNELS.lrn(heap(), Int32Array.from([at(x!), at(outs[1]!), C, r, at(scratch) + 32]), floats, 0, pixels, wasm); // the module
    JS_KERNELS.lrnGrad(heap(), Int32Array.from([at(x!), at(y!), at(dy!), at(outs[2]!), C, r]), floats, 0, pixels, undefined);
    JS_KERNELS.lrnGrad(heap(), Int32Array.from([at(x!), at(y!), at(dy!), at(outs[3]!), C, r, at(scratch) + 32]), floats, 0, pixels, wasm);
    const [a, b, c, d] = outs.map((o) => Array.from(o.dataSync()));
    expect(b!.every((v, i) => Object.is(v, a![i]))).toBe(true);
    expect(d!.every((v, i) => Object.is(v, c![i]))).toBe(true);
    expect(a!.some((v) => v !== 0) && c!.some((v) => v !== 0)).toBe(true); // something was written
    tf.dispose([x!, y!, dy!, ...outs, scratch]);
  });
});
