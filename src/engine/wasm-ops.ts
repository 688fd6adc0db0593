/**
 * The project's op implementations for `@tensorflow/tfjs-backend-wasm` 4.22 (what tfjs calls
 * "kernels"; in this project a kernel is the RKHS kind, src/kernels/), registered over (or next to)
 * the stock ones so that the paper's networks train on wasm with correct gradients and at useful speed.
 *
 * What the stock backend gets wrong (measured when the engine was built):
 * - `Conv2DBackpropFilter` is not registered at all, so no conv net can be trained.
 * - `MaxPoolGrad` starts its running max at the smallest *positive* float and sends ties to the last
 *   element: wrong gradients whenever a window holds non-positive or tied values.
 * - `BatchMatMul` takes XNNPACK's fast path only when neither operand is transposed; every Dense
 *   gradient (xᵀ·dy, dy·Wᵀ) falls back to a scalar loop. `_FusedMatMul` on that loop adds the wrong
 *   bias element to every row after the first, once per 48-wide block of the shared dimension, and
 *   clamps (ReLU) the partial sums.
 * - `Conv2DBackpropInput` is correct but a naive loop.
 * - `LRN` and `LRNGrad` recompute each element's window sum and call `pow` for every window element
 *   (LRNGrad: O(depth radius) `pow` calls per element) — 11% of a small-AlexNet step on two threads.
 * - `Sum` over leading axes (a bias gradient: Σ over batch, height, width) first transposes its whole
 *   input so that the reduced axes come last.
 *
 * Each replacement composes the backend's own kernels (Conv2D, DepthwiseConv2dNative, Transpose,
 * BatchMatMul, Add and the activations) or is a plain loop over the wasm heap; every one is checked against the `cpu` backend in
 * test/engine/wasm-ops.test.ts.
 *
 * Added next to them:
 * - {@link DATA_DENSE} and its gradients, a dense layer whose input is the images. MNIST is ≈ 81%
 *   background, so both products of an MLP's first layer run as sparse × dense products
 *   (sparse-dense.ts, test/engine/sparse-dense.test.ts): 3–4× less time than XNNPACK's dense ones
 *   for a 128 × 784 MNIST batch on one thread, 2–3× on two (bench/sparse-dense.ts).
 * - {@link SOFTMAX_XENT} and {@link MOMENTUM_STEP}: the loss and the optimizer's update, one kernel
 *   where tfjs runs a dozen small ones and four passes over the weights (`bench/fused-kernels.ts`,
 *   one thread: 0.93 → 0.29 ms for the loss and its gradient on 128 × 10 logits, 0.47 → 0.16 ms for
 *   the update of a 784 × 512 weight).
 */
import {
  backend_util,
  getKernel,
  registerKernel,
  unregisterKernel,
  util,
  type DataId,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { SPARSE_MAX_DENSITY, packedSparseWords, sparseDenseAt, sparseDenseGradWAt, type Workspace } from './sparse-dense.js';
import { kernelsIn, type WasmMemory } from './wasm-module.js';
import { runKernel } from './wasm-parallel.js';

/** The part of the wasm backend these kernels use. */
interface WasmBackend {
  /** the Emscripten module: its memory is `wasmMemory` (threaded build) or `asm.memory` */
  wasm: { wasmMemory?: WasmMemory; asm?: { memory?: WasmMemory } };
  dataIdMap: { get(dataId: DataId): { id: number; memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32' | 'int32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  disposeData(dataId: DataId): boolean;
  incRef(dataId: DataId): void;
}

type Attrs = NamedAttrMap;
type Stock = (inputs: Record<string, TensorInfo>, attrs: Attrs) => TensorInfo;

let installed = false;

/**
 * The conv unit's BatchNorm → ReLU in training mode as one kernel (wasm only; other backends compose
 * tfjs ops): inputs z (…, C), gamma, beta (C); attr epsilon; outputs [y, x̂, mean, variance, invStd].
 */
export const BATCH_NORM_RELU = 'RethinkBatchNormRelu';
/** Its gradient: inputs dy, xHat (…, C), gamma, beta, invStd (C); outputs [dz, dGamma, dBeta]. */
export const BATCH_NORM_RELU_GRAD = 'RethinkBatchNormReluGrad';

/**
 * A dense layer on data (the images, not another layer's output): y = act(x·W + b), inputs x (M, K),
 * w (K, N), bias (N); attr activation 'linear' | 'relu'; outputs [y (M, N), x − v₀ in CSR packed for
 * the gradient (int32; empty where the product was dense)]. Where x is mostly one value (MNIST's
 * background) the sparse product of sparse-dense.ts, else the stock fused product.
 */
export const DATA_DENSE = 'RethinkDataDense';
/**
 * The data layer's parameter gradients: inputs x (M, K), dy (M, N) and, optionally, sparse ({@link
 * DATA_DENSE}'s second output for this x); outputs [∂W = xᵀ·dy (K, N), ∂b = Σᵢ dy[i, :] (N)]. ∂W sparse
 * or dense as the forward product was. With a non-empty `sparse` x itself is not read (only its shape
 * is checked against it): the caller pairs them, as the dense layer does (src/models/layers.ts).
 */
export const DATA_DENSE_GRAD_W = 'RethinkDataDenseGradW';

/**
 * Mean softmax cross-entropy (src/training/sgd.ts) as one kernel instead of ≈ 12 small ones:
 * inputs logits z (B, k), labels y (B, k); outputs [mean_i (logΣ_j exp z_ij − Σ_j y_ij z_ij) (scalar),
 * softmax p (B, k)], each row in float64 before it is stored.
 */
export const SOFTMAX_XENT = 'RethinkSoftmaxCrossEntropy';
/** Its gradient: inputs p, y (B, k), dy (scalar); output (p − y)·dy/B (B, k). */
export const SOFTMAX_XENT_GRAD = 'RethinkSoftmaxCrossEntropyGrad';

/**
 * One momentum-SGD update (src/training/sgd.ts) in one pass instead of four: inputs w, v, g (same
 * shape); attrs momentum μ, lr η, weightDecay λ (0: none); outputs [w', v'] with g' = g + w·λ,
 * v' = v·μ + g', w' = w − v'·η — the same float32 operations in the same order as the tfjs ops.
 */
export const MOMENTUM_STEP = 'RethinkMomentumStep';

/**
 * Registers the project's wasm ops. Idempotent; call after the wasm backend is registered
 * (importing `@tensorflow/tfjs-backend-wasm` does that) and before training.
 *
 * @example
 * await import('@tensorflow/tfjs-backend-wasm');
 * registerWasmOps();
 * await tf.setBackend('wasm');
 */
export function registerWasmOps(): void {
  if (installed) return;
  const stock = (name: string): KernelFunc => {
    const config = getKernel(name, 'wasm');
    if (config === undefined) throw new Error(`wasm backend has no '${name}' kernel to build on: is @tensorflow/tfjs-backend-wasm 4.22 loaded?`);
    return config.kernelFunc;
  };
  const conv2d = stock('Conv2D');
  const transpose = stock('Transpose');
  const batchMatMul = stock('BatchMatMul');
  const sum = stock('Sum');

  const fusedFast = fusedMatMulFast(stock('_FusedMatMul'), batchMatMul, transpose, stock);
  const sumFast = sumLeading(sum);
  const kernels: KernelConfig[] = [
    // Keeps the stock setupFunc: it binds the wasm function the stock kernel calls.
    { kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc: batchMatMulFast(batchMatMul, transpose) as unknown as KernelFunc, setupFunc: getKernel('BatchMatMul', 'wasm')?.setupFunc },
    { kernelName: '_FusedMatMul', backendName: 'wasm', kernelFunc: fusedFast as unknown as KernelFunc, setupFunc: getKernel('_FusedMatMul', 'wasm')?.setupFunc },
    { kernelName: MOMENTUM_STEP, backendName: 'wasm', kernelFunc: momentumStep as unknown as KernelFunc },
    { kernelName: SOFTMAX_XENT, backendName: 'wasm', kernelFunc: softmaxXent as unknown as KernelFunc },
    { kernelName: SOFTMAX_XENT_GRAD, backendName: 'wasm', kernelFunc: softmaxXentGrad as unknown as KernelFunc },
    { kernelName: DATA_DENSE, backendName: 'wasm', kernelFunc: dataDense(fusedFast) as unknown as KernelFunc },
    { kernelName: DATA_DENSE_GRAD_W, backendName: 'wasm', kernelFunc: dataDenseGradW(batchMatMulFast(batchMatMul, transpose), sumFast) as unknown as KernelFunc },
    { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter(conv2d, transpose, stock('DepthwiseConv2dNative')) as unknown as KernelFunc },
    { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: conv2DBackpropInput(conv2d) as unknown as KernelFunc, setupFunc: getKernel('Conv2DBackpropInput', 'wasm')?.setupFunc },
    { kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGrad as unknown as KernelFunc, setupFunc: getKernel('MaxPoolGrad', 'wasm')?.setupFunc },
    { kernelName: 'LRN', backendName: 'wasm', kernelFunc: lrn as unknown as KernelFunc, setupFunc: getKernel('LRN', 'wasm')?.setupFunc },
    { kernelName: 'LRNGrad', backendName: 'wasm', kernelFunc: lrnGrad as unknown as KernelFunc, setupFunc: getKernel('LRNGrad', 'wasm')?.setupFunc },
    { kernelName: 'Sum', backendName: 'wasm', kernelFunc: sumFast as unknown as KernelFunc, setupFunc: getKernel('Sum', 'wasm')?.setupFunc },
    { kernelName: BATCH_NORM_RELU, backendName: 'wasm', kernelFunc: batchNormRelu as unknown as KernelFunc },
    { kernelName: BATCH_NORM_RELU_GRAD, backendName: 'wasm', kernelFunc: batchNormReluGrad as unknown as KernelFunc },
    { kernelName: 'Identity', backendName: 'wasm', kernelFunc: identityShared(stock('Identity')) as unknown as KernelFunc },
  ];
  for (const k of kernels) {
    if (getKernel(k.kernelName, 'wasm') !== undefined) unregisterKernel(k.kernelName, 'wasm');
    registerKernel(k);
  }
  installed = true;
}

interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: WasmBackend;
  attrs: Attrs;
}

function call(f: KernelFunc, backend: WasmBackend, inputs: Record<string, TensorInfo>, attrs: Attrs): TensorInfo {
  return f({ inputs, backend, attrs } as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
}

function input(inputs: Record<string, TensorInfo>, name: string): TensorInfo {
  const t = inputs[name];
  if (t === undefined) throw new Error(`kernel input '${name}' is missing`);
  return t;
}

/** Swaps the last two axes of a rank ≥ 2 tensor with the stock Transpose kernel. */
function swapLast(transpose: KernelFunc, backend: WasmBackend, x: TensorInfo): TensorInfo {
  const r = x.shape.length;
  const perm = [...Array(r).keys()];
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return call(transpose, backend, { x }, { perm });
}

/**
 * Identity (tf.clone, and what tf.customGrad's save() keeps for a backward pass) as one more reference
 * to the same data, as the cpu backend does and as the wasm backend's own Reshape does: no kernel writes
 * into its inputs, so a tensor's data never changes once written. The stock kernel copies — in small
 * AlexNet's step 8 saved tensors (≈ 25 MB at batch 40), in an MLP's step its input batch. Strings go to it.
 */
function identityShared(stock: KernelFunc) {
  return ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const x = input(inputs, 'x');
    if (x.dtype === 'string') return call(stock, backend, inputs, attrs);
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/**
 * BatchMatMul: materialise transposed operands so XNNPACK's fast path always runs. That path packs
 * its right operand anew for every new tensor — a layer's weights change every step — so a·bᵀ with a
 * small a and a large b (a Dense layer's ∂x = g·Wᵀ) runs as (b·aᵀ)ᵀ, which transposes and packs the
 * small operand and the product instead of the weights (one thread: small AlexNet's 3136 × 384 layer at
 * batch 40 9.9–11.2 → 3.7 ms; bench/records/training.md).
 */
function batchMatMulFast(batchMatMul: KernelFunc, transpose: KernelFunc) {
  return ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const a = input(inputs, 'a');
    const b = input(inputs, 'b');
    const tA = attrs.transposeA === true;
    const tB = attrs.transposeB === true;
    if (!tA && !tB) return call(batchMatMul, backend, { a, b }, attrs);
    const single = (t: TensorInfo): boolean => t.shape.length === 2 || (t.shape.length === 3 && t.shape[0] === 1);
    if (!tA && tB && single(a) && a.shape.length === b.shape.length && single(b)) {
      const [M, K] = a.shape.slice(-2) as [number, number];
      const N = b.shape[b.shape.length - 2]!;
      if (2 * M * K + M * N < 2 * N * K) {
        const aT = swapLast(transpose, backend, a); // ([1,] K, M)
        const outT = call(batchMatMul, backend, { a: b, b: aT }, { ...attrs, transposeA: false, transposeB: false }); // ([1,] N, M)
        backend.disposeData(aT.dataId);
        const out = swapLast(transpose, backend, outT); // ([1,] M, N)
        backend.disposeData(outT.dataId);
        return out;
      }
    }
    const a2 = tA ? swapLast(transpose, backend, a) : a;
    const b2 = tB ? swapLast(transpose, backend, b) : b;
    const out = call(batchMatMul, backend, { a: a2, b: b2 }, { ...attrs, transposeA: false, transposeB: false });
    if (tA) backend.disposeData(a2.dataId);
    if (tB) backend.disposeData(b2.dataId);
    return out;
  };
}

/** Fused activations that are one stock kernel of x alone. */
const PLAIN_ACTIVATIONS = new Map([['relu', 'Relu'], ['relu6', 'Relu6'], ['elu', 'Elu'], ['sigmoid', 'Sigmoid']]);

/**
 * _FusedMatMul (y = act(a·b + bias)). One matrix each, neither transposed: the stock kernel (XNNPACK's
 * fully-connected operator, bias and clamp fused). Anything else: the product ({@link batchMatMulFast}),
 * then the bias and the activation as their own kernels — the stock kernel's other path adds
 * bias[min(i·N + j, N − 1)] to out[i, j] instead of bias[j] (wrong for every row after the first),
 * once per 48-wide block of the shared dimension, clamping the partial sums. The project's dense
 * layers take the first path; the second serves other callers of `tf.fused.matMul` on wasm.
 */
function fusedMatMulFast(fusedMatMul: KernelFunc, batchMatMul: KernelFunc, transpose: KernelFunc, stockOf: (name: string) => KernelFunc) {
  const product = batchMatMulFast(batchMatMul, transpose);
  return ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const a = input(inputs, 'a');
    const b = input(inputs, 'b');
    const bias = inputs.bias ?? undefined;
    const activation = (attrs.activation as string | undefined) ?? 'linear';
    const tA = attrs.transposeA === true;
    const tB = attrs.transposeB === true;
    const single = a.shape.length === 3 && b.shape.length === 3 && a.shape[0] === 1 && b.shape[0] === 1;
    if (single && !tA && !tB) return call(fusedMatMul, backend, inputs, attrs);
    if (activation !== 'linear' && !PLAIN_ACTIVATIONS.has(activation) && activation !== 'leakyrelu' && activation !== 'prelu') {
      throw new Error(`_FusedMatMul on wasm: activation '${activation}' is not supported (linear, relu, relu6, elu, sigmoid, leakyrelu, prelu)`);
    }
    if (activation === 'prelu') input(inputs, 'preluActivationWeights'); // before anything is allocated
    let out = product({ inputs: { a, b }, backend, attrs: { transposeA: tA, transposeB: tB } });
    const then = (next: TensorInfo): void => {
      backend.disposeData(out.dataId);
      out = next;
    };
    if (bias !== undefined) then(call(stockOf('Add'), backend, { a: out, b: bias }, {}));
    const plain = PLAIN_ACTIVATIONS.get(activation);
    if (plain !== undefined) then(call(stockOf(plain), backend, { x: out }, {}));
    else if (activation === 'leakyrelu') then(call(stockOf('LeakyRelu'), backend, { x: out }, { alpha: (attrs.leakyreluAlpha as number | undefined) ?? 0.2 }));
    else if (activation === 'prelu') then(call(stockOf('Prelu'), backend, { x: out, alpha: input(inputs, 'preluActivationWeights') }, {}));
    return out;
  };
}

/** A 2-D tensor as the batched (1, rows, cols) operand the matmul kernels take (same data). */
const batched = (t: TensorInfo): TensorInfo => ({ ...t, shape: [1, ...t.shape] });
/** A (1, rows, cols) kernel output as the 2-D tensor it is (same data). */
const unbatched = (t: TensorInfo): TensorInfo => ({ ...t, shape: t.shape.slice(1) });

function dims2(name: string, t: TensorInfo): [number, number] {
  if (t.shape.length !== 2) throw new Error(`${name}: expected a matrix, got shape (${t.shape.join(', ')})`);
  return t.shape as [number, number];
}

/** The wasm engine's WebAssembly.Memory. */
function engineMemory(backend: WasmBackend): WasmMemory {
  const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  if (memory === undefined) throw new Error('wasm kernels: the wasm backend\'s memory is not reachable (tfjs-backend-wasm 4.22 keeps it in wasmMemory or asm.memory)');
  return memory;
}

function logitsAndLabels(name: string, inputs: Record<string, TensorInfo>, first: string): [TensorInfo, TensorInfo, number, number] {
  const z = input(inputs, first);
  const y = input(inputs, 'labels');
  if (z.shape.length !== 2 || !util.arraysEqual(z.shape, y.shape) || z.dtype !== 'float32' || (y.dtype !== 'float32' && y.dtype !== 'int32')) {
    throw new Error(`${name}: ${first} (${z.shape.join(', ')}, ${z.dtype}) and labels (${y.shape.join(', ')}, ${y.dtype}) must be matrices of one shape, float32 and float32 or int32 (one-hot)`);
  }
  return [z, y, z.shape[0] as number, z.shape[1] as number];
}

/** {@link SOFTMAX_XENT}: per row, the log-sum-exp from the row's maximum, in float64. */
function softmaxXent({ inputs, backend }: KernelArgs): TensorInfo[] {
  const [z, y, B, k] = logitsAndLabels(SOFTMAX_XENT, inputs, 'logits');
  const loss = backend.makeOutput([], 'float32');
  const probs = backend.makeOutput([B, k], 'float32');
  const [Z, Y, P] = [backend.typedArrayFromHeap(z), backend.typedArrayFromHeap(y) as Float32Array | Int32Array, backend.typedArrayFromHeap(probs)];
  let total = 0;
  for (let i = 0; i < B; i++) {
    const o = i * k;
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, Z[o + j]!);
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(Z[o + j]! - m);
    let yz = 0;
    for (let j = 0; j < k; j++) {
      P[o + j] = Math.exp(Z[o + j]! - m) / s;
      yz += Y[o + j]! * Z[o + j]!;
    }
    total += m + Math.log(s) - yz; // a NaN or ±∞ logit carries through to the loss, where the trainer reports it
  }
  backend.typedArrayFromHeap(loss)[0] = total / B;
  return [loss, probs];
}

/** {@link SOFTMAX_XENT_GRAD}. */
function softmaxXentGrad({ inputs, backend }: KernelArgs): TensorInfo {
  const [p, y, B, k] = logitsAndLabels(SOFTMAX_XENT_GRAD, inputs, 'probs');
  const dy = input(inputs, 'dy');
  const dz = backend.makeOutput([B, k], 'float32');
  const [P, Y, D] = [backend.typedArrayFromHeap(p), backend.typedArrayFromHeap(y) as Float32Array | Int32Array, backend.typedArrayFromHeap(dz)];
  const scale = backend.typedArrayFromHeap(dy)[0]! / B;
  for (let i = 0; i < B * k; i++) D[i] = (P[i]! - Y[i]!) * scale;
  return dz;
}

/** {@link MOMENTUM_STEP} in the project's WebAssembly module, on the engine's heap. */
function momentumStep({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const [w, v, g] = [input(inputs, 'w'), input(inputs, 'v'), input(inputs, 'g')];
  if (!util.arraysEqual(w.shape, v.shape) || !util.arraysEqual(w.shape, g.shape) || [w, v, g].some((t) => t.dtype !== 'float32')) {
    throw new Error(`${MOMENTUM_STEP}: w (${w.shape.join(', ')}), v (${v.shape.join(', ')}) and g (${g.shape.join(', ')}) must be float32 of one shape`);
  }
  const lambda = (attrs.weightDecay as number | undefined) ?? 0;
  const wNext = backend.makeOutput(w.shape, 'float32');
  const vNext = backend.makeOutput(w.shape, 'float32');
  const byte = (t: TensorInfo): number => 4 * at(backend, t);
  kernelsIn(engineMemory(backend)).momentum(util.sizeFromShape(w.shape), byte(w), byte(v), byte(g), attrs.momentum as number, attrs.lr as number, lambda, lambda !== 0 ? 1 : 0, byte(wNext), byte(vNext));
  return [wNext, vNext];
}

/**
 * The sparse products' workspace in the engine's own memory (no copies in or out): temporary space
 * as backend outputs, freed by `release`. The product runs on the calling thread: splitting its
 * columns with the helper thread of wasm-parallel.ts was tried and measured no faster on two cores
 * (≈ 0.13 ms to wake the helper, per call of ≈ 1.1 ms).
 */
function engineWorkspace(backend: WasmBackend): { ws: Workspace; release(): void } {
  const memory = engineMemory(backend);
  const kernels = kernelsIn(memory);
  const temps: TensorInfo[] = [];
  const ws: Workspace = {
    kernels,
    heap: () => new Float32Array(memory.buffer),
    alloc(floats) {
      const t = backend.makeOutput([Math.max(floats, 4)], 'float32');
      temps.push(t);
      return 4 * at(backend, t);
    },
  };
  return { ws, release: () => temps.forEach((t) => backend.disposeData(t.dataId)) };
}

/**
 * {@link DATA_DENSE}: the sparse product where x allows it, else `fused` (_FusedMatMul). Its second
 * output is x − v₀ in CSR, packed (sparse-dense.ts, packedSparseWords) for {@link DATA_DENSE_GRAD_W},
 * or an empty int32 tensor where the dense product ran.
 */
function dataDense(fused: (args: KernelArgs) => TensorInfo) {
  return ({ inputs, backend, attrs }: KernelArgs): TensorInfo[] => {
    const x = input(inputs, 'x');
    const w = input(inputs, 'w');
    const bias = input(inputs, 'bias');
    const activation = attrs.activation as string;
    if (activation !== 'linear' && activation !== 'relu') throw new Error(`${DATA_DENSE}: activation '${activation}' is not supported (linear, relu)`);
    const [M, K] = dims2(`${DATA_DENSE} x`, x);
    const [K2, N] = dims2(`${DATA_DENSE} w`, w);
    if (K2 !== K || bias.shape.length !== 1 || bias.shape[0] !== N) throw new Error(`${DATA_DENSE}: x (${M}, ${K}), w (${K2}, ${N}) and bias (${bias.shape.join(', ')}) do not fit`);
    // Only float32 is read as floats; other dtypes go to the stock kernel (which refuses what it cannot take).
    const floats = [x, w, bias].every((t) => t.dtype === 'float32') && M > 0 && K > 0 && N > 0;
    const out = backend.makeOutput([M, N], 'float32');
    const packed = floats ? backend.makeOutput([packedSparseWords(M, K)], 'int32') : null;
    const { ws, release } = engineWorkspace(backend);
    let sparse = false;
    try {
      sparse = packed !== null && sparseDenseAt(ws, 4 * at(backend, x), M, K, 4 * at(backend, w), N, 4 * at(backend, bias), activation === 'relu', 4 * at(backend, out), SPARSE_MAX_DENSITY, 4 * at(backend, packed));
    } finally {
      release();
      if (!sparse) {
        backend.disposeData(out.dataId);
        if (packed !== null) backend.disposeData(packed.dataId);
      }
    }
    if (sparse) return [out, packed!];
    return [unbatched(fused({ inputs: { a: batched(x), b: batched(w), bias }, backend, attrs: { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 } })), backend.makeOutput([0], 'int32')];
  };
}

/**
 * {@link DATA_DENSE_GRAD_W}: ∂W by the sparse product where x allows it, else `product` (BatchMatMul,
 * xᵀ·dy); ∂b by `sum` or, on the sparse path, the column sums that path takes anyway. With input
 * `sparse` (the forward's second output) the forward's decision and CSR are reused: empty means x
 * was too dense (straight to the dense product), else the CSR of x − v₀.
 */
function dataDenseGradW(product: (args: KernelArgs) => TensorInfo, sum: (args: KernelArgs) => TensorInfo) {
  return ({ inputs, backend }: KernelArgs): TensorInfo[] => {
    const x = input(inputs, 'x');
    const dy = input(inputs, 'dy');
    const kept = inputs.sparse;
    const [M, K] = dims2(`${DATA_DENSE_GRAD_W} x`, x);
    const [M2, N] = dims2(`${DATA_DENSE_GRAD_W} dy`, dy);
    if (M2 !== M) throw new Error(`${DATA_DENSE_GRAD_W}: x (${M}, ${K}) and dy (${M2}, ${N}) have different batch sizes`);
    if (kept !== undefined && (kept.dtype !== 'int32' || kept.shape.length !== 1 || (kept.shape[0] !== 0 && kept.shape[0] !== packedSparseWords(M, K)))) {
      throw new Error(`${DATA_DENSE_GRAD_W}: sparse (${kept.shape.join(', ')}, ${kept.dtype}) is not ${DATA_DENSE}'s second output for x (${M}, ${K})`);
    }
    const trySparse = kept === undefined || kept.shape[0] !== 0;
    const dW = backend.makeOutput([K, N], 'float32');
    const db = backend.makeOutput([N], 'float32');
    const { ws, release } = engineWorkspace(backend);
    let sparse = false;
    try {
      sparse = trySparse && x.dtype === 'float32' && dy.dtype === 'float32' && sparseDenseGradWAt(ws, 4 * at(backend, x), M, K, 4 * at(backend, dy), N, 4 * at(backend, dW), SPARSE_MAX_DENSITY, 4 * at(backend, db), kept === undefined ? undefined : 4 * at(backend, kept));
    } finally {
      release();
      if (!sparse) {
        backend.disposeData(dW.dataId);
        backend.disposeData(db.dataId);
      }
    }
    if (sparse) return [dW, db];
    return [unbatched(product({ inputs: { a: batched(x), b: batched(dy) }, backend, attrs: { transposeA: true, transposeB: false } })), sum({ inputs: { x: dy }, backend, attrs: { axis: [0], keepDims: false } })];
  };
}

function convInfoOf(xShape: number[], filterShape: number[], attrs: Attrs): backend_util.Conv2DInfo {
  const dataFormat = backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW' | undefined) ?? 'NHWC');
  if (dataFormat !== 'channelsLast') throw new Error(`wasm conv kernels support dataFormat 'NHWC' only, got '${String(attrs.dataFormat)}'`);
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number] | number,
    (attrs.dilations as [number, number] | number | undefined) ?? 1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    dataFormat,
  );
}

/**
 * Up to this many input channels ∂W is computed per image by a depthwise convolution (a network's
 * first layer: 1 or 3 channels). There the convolution below has only C·KH·KW output pixels to share
 * out its (OH·OW·N)-long sums, and tfjs transposes and XNNPACK packs its 6.4-M-float filter dy on
 * every call (55 of 79 ms for small AlexNet's first layer, measured); the depthwise form packs dy as it
 * lies, in N groups. Measured on 2 threads, batch 128, 28×28: 5×5, 3 → 64 channels 83 → 52 ms; 3×3,
 * 3 → 96 125 → 48 ms; and slower at 64 input channels (107 → 210 ms). Only 3 and 64 channels were
 * measured (`node --import tsx bench/filter-grad.ts`): where between them the forms cross is not known.
 */
export const DEPTHWISE_FILTER_GRAD_MAX_CHANNELS = 4;

/**
 * ∂L/∂W for y = conv2d(x, W): dW[kh,kw,c,o] = Σ_{n,i,j} x[n, i·s+kh−pt, j·s+kw−pl, c] · dy[n,i,j,o].
 * That is a forward convolution of x viewed as [C, H, W, N] (batch C, channels N) with dy viewed as a
 * filter [OH, OW, N, O], dilated by the forward stride; its output [C, KH', KW', O] (KH' ≥ KH when
 * the stride does not divide evenly) is cropped to KH×KW and transposed to [KH, KW, C, O].
 * With few input channels ({@link DEPTHWISE_FILTER_GRAD_MAX_CHANNELS}) the same product is a depthwise
 * convolution over the N images — channel n of x with its own filter dy[·,·,n,·] — giving
 * g[c, kh, kw, n·O + o], summed over n here in float64 (in n order: the same on any thread count).
 */
function conv2DBackpropFilter(conv2d: KernelFunc, transpose: KernelFunc, depthwise: KernelFunc) {
  return ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const x = input(inputs, 'x'); // (N, H, W, C)
    const dy = input(inputs, 'dy'); // (N, OH, OW, O)
    const filterShape = attrs.filterShape as number[]; // (KH, KW, C, O)
    const info = convInfoOf(x.shape, filterShape, attrs);
    if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
      throw new Error(`Conv2DBackpropFilter on wasm: dilated forward convolutions are not supported (dilations ${info.dilationHeight}×${info.dilationWidth})`);
    }
    const xT = call(transpose, backend, { x }, { perm: [3, 1, 2, 0] }); // (C, H, W, N)
    const dyT = call(transpose, backend, { x: dy }, { perm: [1, 2, 0, 3] }); // (OH, OW, N, O)
    const { top, bottom, left, right } = info.padInfo;
    const KH = info.filterHeight;
    const KW = info.filterWidth;
    if (info.inChannels <= DEPTHWISE_FILTER_GRAD_MAX_CHANNELS) {
      const g = call(depthwise, backend, { x: xT, filter: dyT }, {
        strides: [1, 1],
        dilations: [info.strideHeight, info.strideWidth],
        pad: [[0, 0], [top, bottom], [left, right], [0, 0]] as unknown as number,
        dimRoundingMode: undefined as unknown as string,
      }); // (C, KH', KW', N·O)
      backend.disposeData(xT.dataId);
      backend.disposeData(dyT.dataId);
      const [C, KHp, KWp] = g.shape as [number, number, number, number];
      fitsFilter(KHp, KWp, KH, KW, x, dy, attrs, () => backend.disposeData(g.dataId));
      const [N, , , O] = dy.shape as [number, number, number, number];
      const out = backend.makeOutput([KH, KW, C, O], 'float32');
      const src = backend.typedArrayFromHeap(g);
      const dst = backend.typedArrayFromHeap(out);
      const acc = new Float64Array(O);
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++) {
          for (let c = 0; c < C; c++) {
            acc.fill(0);
            const s0 = ((c * KHp + kh) * KWp + kw) * N * O;
            for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) acc[o] = acc[o]! + src[s0 + n * O + o]!;
            dst.set(acc, ((kh * KW + kw) * C + c) * O);
          }
        }
      }
      backend.disposeData(g.dataId);
      return out;
    }
    const g = call(conv2d, backend, { x: xT, filter: dyT }, {
      strides: [1, 1],
      dilations: [info.strideHeight, info.strideWidth],
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]] as unknown as number,
      dataFormat: 'NHWC',
      dimRoundingMode: undefined as unknown as string,
    }); // (C, KH', KW', O)
    backend.disposeData(xT.dataId);
    backend.disposeData(dyT.dataId);
    const [C, KHp, KWp, O] = g.shape as [number, number, number, number];
    fitsFilter(KHp, KWp, KH, KW, x, dy, attrs, () => backend.disposeData(g.dataId));
    // Crop and transpose in one pass: out[kh,kw,c,o] = g[c,kh,kw,o].
    const out = backend.makeOutput([KH, KW, C, O], 'float32');
    const src = backend.typedArrayFromHeap(g);
    const dst = backend.typedArrayFromHeap(out);
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        for (let c = 0; c < C; c++) {
          const s0 = ((c * KHp + kh) * KWp + kw) * O;
          const d0 = ((kh * KW + kw) * C + c) * O;
          for (let o = 0; o < O; o++) dst[d0 + o] = src[s0 + o]!;
        }
      }
    }
    backend.disposeData(g.dataId);
    return out;
  };
}

/** The product's KH′ × KW′ must cover the filter (it does not with a numeric pad rounded by 'ceil'): else an error, after `release`. */
function fitsFilter(KHp: number, KWp: number, KH: number, KW: number, x: TensorInfo, dy: TensorInfo, attrs: Attrs, release: () => void): void {
  if (KHp >= KH && KWp >= KW) return;
  release();
  throw new Error(
    `Conv2DBackpropFilter on wasm: the gradient's window ${KHp}×${KWp} is smaller than the filter ${KH}×${KW} ` +
      `(x (${x.shape.join(', ')}), dy (${dy.shape.join(', ')}), pad ${JSON.stringify(attrs.pad)}, dimRoundingMode ${String(attrs.dimRoundingMode)}): use pad 'same' or 'valid', or dimRoundingMode 'floor'`,
  );
}

/**
 * ∂L/∂x for y = conv2d(x, W): a stride-1 convolution of dy — zero-dilated by the stride and padded
 * by (KH−1−pt) above and (H − (OH−1)s − 1 + pt) below (likewise for width) — with W rotated by 180°
 * and its channel axes swapped: W'[i,j,o,c] = W[KH−1−i, KW−1−j, c, o].
 */
function conv2DBackpropInput(conv2d: KernelFunc) {
  return ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const dy = input(inputs, 'dy'); // (N, OH, OW, O)
    const W = input(inputs, 'filter'); // (KH, KW, C, O)
    const inputShape = attrs.inputShape as number[]; // (N, H, W, C)
    const info = convInfoOf(inputShape, W.shape, attrs);
    if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
      throw new Error(`Conv2DBackpropInput on wasm: dilated forward convolutions are not supported`);
    }
    const [N, H, Wd] = inputShape as [number, number, number, number];
    const [, OH, OW, O] = dy.shape as [number, number, number, number];
    const KH = info.filterHeight;
    const KW = info.filterWidth;
    const C = info.inChannels;
    const sH = info.strideHeight;
    const sW = info.strideWidth;
    const padTop = KH - 1 - info.padInfo.top;
    const padLeft = KW - 1 - info.padInfo.left;
    const PH = H + KH - 1; // padded, dilated height
    const PW = Wd + KW - 1;
    const flipped = backend.makeOutput([KH, KW, O, C], 'float32');
    {
      const w = backend.typedArrayFromHeap(W);
      const f = backend.typedArrayFromHeap(flipped);
      for (let i = 0; i < KH; i++) {
        for (let j = 0; j < KW; j++) {
          const s = ((KH - 1 - i) * KW + (KW - 1 - j)) * C * O;
          const d = (i * KW + j) * O * C;
          for (let c = 0; c < C; c++) for (let o = 0; o < O; o++) f[d + o * C + c] = w[s + c * O + o]!;
        }
      }
    }
    const { top, bottom, left, right } = info.padInfo;
    if (sH === 1 && sW === 1 && Math.max(top, bottom) <= KH - 1 && Math.max(left, right) <= KW - 1) {
      // Stride 1: no zeros to insert, so the padding is the stock kernel's (no copy of dy).
      const dx = call(conv2d, backend, { x: dy, filter: flipped }, {
        strides: [1, 1],
        dilations: [1, 1],
        pad: [[0, 0], [KH - 1 - top, KH - 1 - bottom], [KW - 1 - left, KW - 1 - right], [0, 0]] as unknown as number,
        dataFormat: 'NHWC',
        dimRoundingMode: undefined as unknown as string,
      });
      backend.disposeData(flipped.dataId);
      util.assert(dx.shape[1] === H && dx.shape[2] === Wd, () => `Conv2DBackpropInput: expected (${N}, ${H}, ${Wd}, ${C}), got (${dx.shape.join(', ')})`);
      return dx;
    }
    const padded = backend.makeOutput([N, PH, PW, O], 'float32');
    {
      const src = backend.typedArrayFromHeap(dy);
      const dst = backend.typedArrayFromHeap(padded);
      dst.fill(0);
      for (let n = 0; n < N; n++) {
        for (let i = 0; i < OH; i++) {
          const r = padTop + i * sH;
          if (r < 0 || r >= PH) continue;
          for (let j = 0; j < OW; j++) {
            const q = padLeft + j * sW;
            if (q < 0 || q >= PW) continue;
            const s0 = ((n * OH + i) * OW + j) * O;
            const d0 = ((n * PH + r) * PW + q) * O;
            for (let o = 0; o < O; o++) dst[d0 + o] = src[s0 + o]!;
          }
        }
      }
    }
    const dx = call(conv2d, backend, { x: padded, filter: flipped }, {
      strides: [1, 1],
      dilations: [1, 1],
      pad: 'valid',
      dataFormat: 'NHWC',
      dimRoundingMode: undefined as unknown as string,
    });
    backend.disposeData(padded.dataId);
    backend.disposeData(flipped.dataId);
    util.assert(
      dx.shape[1] === H && dx.shape[2] === Wd,
      () => `Conv2DBackpropInput: expected (${N}, ${H}, ${Wd}, ${C}), got (${dx.shape.join(', ')})`,
    );
    return dx;
  };
}

/** A tensor's place in the heap, in float32 elements. */
function at(backend: WasmBackend, t: TensorInfo): number {
  const info = backend.dataIdMap.get(t.dataId);
  if (info === undefined) throw new Error('wasm kernel: a tensor without data in the wasm backend');
  return info.memoryOffset / 4;
}

/**
 * ∂L/∂x for y = maxPool(x): each window's gradient goes to its FIRST maximum (as the cpu and
 * native backends do; row-major window order), four channels at a time in the project's WebAssembly
 * module (js-kernels.ts, kernels.wat); split on the batch between the engine's threads.
 */
function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const dy = input(inputs, 'dy'); // (N, OH, OW, C)
  const x = input(inputs, 'input'); // (N, H, W, C)
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize as [number, number] | number,
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const [N, H, Wd, C] = x.shape as [number, number, number, number];
  const dx = backend.makeOutput(x.shape, 'float32');
  const { outHeight: OH, outWidth: OW, strideHeight: sH, strideWidth: sW, filterHeight: FH, filterWidth: FW } = info;
  runKernel('maxPoolGrad', [at(backend, x), at(backend, dy), at(backend, dx), N, H, Wd, C, OH, OW, sH, sW, FH, FW, info.padInfo.top, info.padInfo.left], [], N, H * Wd * C, kernelsIn(engineMemory(backend)));
  return dx;
}

/** LRN attributes: window ±r over channels, n_i = bias + α·Σ_{|j−i|≤r} x_j², y_i = x_i · n_i^(−β). */
function lrnAttrs(attrs: Attrs): { r: number; floats: number[] } {
  return { r: attrs.depthRadius as number, floats: [attrs.bias as number, attrs.alpha as number, attrs.beta as number] };
}

/** Local response normalisation across channels (Krizhevsky et al. 2012, §3.3): O(C) per pixel, in the project's WebAssembly module for β = 3/4 or 1/2 (js-kernels.ts), split on pixels. */
function lrn({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const x = input(inputs, 'x'); // (…, C)
  const { r, floats } = lrnAttrs(attrs);
  const C = x.shape[x.shape.length - 1]!;
  const y = backend.makeOutput(x.shape, 'float32');
  const scratch = backend.makeOutput([2 * 2 * (2 * C + 1)], 'float32'); // two threads' 2C + 1 float64
  runKernel('lrn', [at(backend, x), at(backend, y), C, r, at(backend, scratch)], floats, util.sizeFromShape(x.shape) / C, C, kernelsIn(engineMemory(backend)));
  backend.disposeData(scratch.dataId); // not on an error: a helper thread that gave no answer may still be writing there
  return y;
}

/** ∂L/∂x of y = LRN(x) given dy, O(C) per pixel (js-kernels.ts; in the module for β = 3/4 or 1/2), split on pixels. */
function lrnGrad({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const x = input(inputs, 'x'); // (…, C)
  const y = input(inputs, 'y');
  const dy = input(inputs, 'dy');
  const { r, floats } = lrnAttrs(attrs);
  const C = x.shape[x.shape.length - 1]!;
  const dx = backend.makeOutput(x.shape, 'float32');
  const scratch = backend.makeOutput([2 * 2 * (3 * C + 2)], 'float32'); // two threads' 3C + 2 float64
  runKernel('lrnGrad', [at(backend, x), at(backend, y), at(backend, dy), at(backend, dx), C, r, at(backend, scratch)], floats, util.sizeFromShape(x.shape) / C, C, kernelsIn(engineMemory(backend)));
  backend.disposeData(scratch.dataId); // not on an error: a helper thread that gave no answer may still be writing there
  return dx;
}

/**
 * Sum: over leading axes (0 … k−1, the bias gradient's Σ over batch, height and width) as row
 * additions in float64 over the (rows, cols) view, in the project's WebAssembly module (js-kernels.ts,
 * kernels.wat), split on columns; any other reduction goes to the stock kernel.
 */
function sumLeading(stock: KernelFunc) {
  return ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const x = input(inputs, 'x');
    const rank = x.shape.length;
    const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32') return call(stock, backend, inputs, attrs);
    const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
    const outShape = x.shape.slice(axes.length);
    const cols = outShape.reduce((a, b) => a * b, 1);
    const out = backend.makeOutput(attrs.keepDims === true ? [...axes.map(() => 1), ...outShape] : outShape, 'float32');
    runKernel('sumLeading', [at(backend, x), at(backend, out), rows, cols], [], cols, rows, kernelsIn(engineMemory(backend)));
    return out;
  };
}

/**
 * BatchNorm over all axes but the last, then ReLU (Ioffe & Szegedy 2015, Alg. 1): per-channel
 * statistics in float64, two passes per channel as tf.moments (split on channels), then x̂ and y in
 * one pass (split on rows) — three passes over z where the composed tfjs ops take about nine.
 * Inputs z (…, C), gamma, beta (C); attr epsilon; outputs [y, x̂, mean, variance, invStd].
 */
function batchNormRelu({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const z = input(inputs, 'x');
  const C = z.shape[z.shape.length - 1]!;
  const m = util.sizeFromShape(z.shape) / C;
  const y = backend.makeOutput(z.shape, 'float32');
  const xHat = backend.makeOutput(z.shape, 'float32');
  const [mean, variance, invStd] = [backend.makeOutput([C], 'float32'), backend.makeOutput([C], 'float32'), backend.makeOutput([C], 'float32')];
  runKernel('bnStats', [at(backend, z), at(backend, mean), at(backend, variance), at(backend, invStd), m, C], [attrs.epsilon as number], C, m);
  runKernel('bnApply', [at(backend, z), at(backend, mean), at(backend, invStd), at(backend, input(inputs, 'gamma')), at(backend, input(inputs, 'beta')), at(backend, y), at(backend, xHat), C], [], m, C);
  return [y, xHat, mean, variance, invStd];
}

/**
 * The gradient of {@link batchNormRelu}: with g = dy·[γ·x̂ + β > 0] and m values per channel,
 * ∂β = Σ g, ∂γ = Σ g·x̂ (split on channels), ∂z = γ·invStd·(g − ∂β/m − x̂·∂γ/m) (split on rows).
 * Inputs dy, xHat (…, C), gamma, beta, invStd (C); outputs [dz, dGamma, dBeta].
 */
function batchNormReluGrad({ inputs, backend }: KernelArgs): TensorInfo[] {
  const dy = input(inputs, 'dy');
  const C = dy.shape[dy.shape.length - 1]!;
  const m = util.sizeFromShape(dy.shape) / C;
  const [xHat, gamma, beta, invStd] = [input(inputs, 'xHat'), input(inputs, 'gamma'), input(inputs, 'beta'), input(inputs, 'invStd')];
  const dz = backend.makeOutput(dy.shape, 'float32');
  const dGamma = backend.makeOutput([C], 'float32');
  const dBeta = backend.makeOutput([C], 'float32');
  runKernel('bnGradSums', [at(backend, dy), at(backend, xHat), at(backend, gamma), at(backend, beta), at(backend, dGamma), at(backend, dBeta), m, C], [], C, m);
  runKernel('bnGradApply', [at(backend, dy), at(backend, xHat), at(backend, gamma), at(backend, beta), at(backend, invStd), at(backend, dGamma), at(backend, dBeta), at(backend, dz), m, C], [], m, C);
  return [dz, dGamma, dBeta];
}
