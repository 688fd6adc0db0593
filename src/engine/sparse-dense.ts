/**
 * The first dense layer of a network on image data as a sparse × dense product.
 *
 * MNIST digits are ≈ 81% background: after standardization every background pixel holds the same
 * value v₀ = (0 − μ)/σ. Writing x = v₀·1 + (x − v₀·1), where x − v₀·1 is sparse,
 *
 *   x·W + b = (x − v₀)·W + (b + v₀·Σₖ W[k, :])                 forward, x (M, K), W (K, N)
 *   xᵀ·g    = (x − v₀)ᵀ·g + v₀·1_K ⊗ Σᵢ g[i, :]                ∂W, g (M, N)
 *
 * so both products of the layer touch only the ≈ 19% of pixels that differ from the background —
 * exact algebra; the float32 sums differ from a dense product's only in rounding. The products run in
 * a small hand-written WebAssembly SIMD128 module (src/engine/wasm/sparse-dense.wat) with its own
 * memory, on the calling thread. v₀ is taken to be the minimum of x (the background of pixel data,
 * raw or standardized); when more than {@link SPARSE_MAX_DENSITY} of the entries differ from it (random
 * pixels, Gaussian inputs, whitened CIFAR-10) the caller uses the dense kernel instead.
 */
import { SPARSE_DENSE_WASM } from './wasm/sparse-dense-wasm.js';

/**
 * The largest fraction of entries that differ from the background for which the sparse product is
 * used. bench/sparse-dense.ts measures the crossover against XNNPACK's dense product (one thread,
 * an MNIST batch of 128 × 784 against 784 × 512).
 */
export const SPARSE_MAX_DENSITY = 0.4;

/** The part of the WebAssembly API used here (the project's TypeScript lib, ES2022 without DOM, does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  spmm(M: number, N4: number, rowPtr: number, colIdx: number, vals: number, B: number, bias: number, relu: number, C: number): void;
  colsum(K: number, N4: number, B: number, out: number): void;
  minimum(n: number, x: number): number;
  csr(M: number, K: number, x: number, v0: number, rowPtr: number, colIdx: number, vals: number, max: number): number;
  transpose(M: number, K: number, rowPtr: number, colIdx: number, vals: number, colPtr: number, rowIdx: number, valsT: number): void;
}

let instance: Exports | null = null;

function wasm(): Exports {
  if (instance === null) {
    const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    instance = new api.Instance(new api.Module(Buffer.from(SPARSE_DENSE_WASM, 'base64')), {}).exports as unknown as Exports;
  }
  return instance;
}

/** Byte offsets of `sizes` (in 4-byte elements) laid out one after another, 16-aligned; grows the memory to hold them. */
function layout(w: Exports, sizes: number[]): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const s of sizes) {
    offsets.push(at);
    at += Math.ceil((4 * s) / 16) * 16;
  }
  const have = w.memory.buffer.byteLength;
  if (at > have) w.memory.grow(Math.ceil((at - have) / 65536));
  return offsets;
}

const ceil4 = (n: number): number => Math.ceil(n / 4) * 4;

/** Copies a (rows, N) row-major matrix into the module's memory at byte `at` with row stride N4 ≥ N (padding zeroed). */
function put(heap: Float32Array, at: number, src: Float32Array, rows: number, N: number, N4: number): void {
  const base = at / 4;
  if (N4 === N) {
    heap.set(src.subarray(0, rows * N), base);
    return;
  }
  for (let r = 0; r < rows; r++) {
    heap.set(src.subarray(r * N, (r + 1) * N), base + r * N4);
    heap.fill(0, base + r * N4 + N, base + (r + 1) * N4);
  }
}

/** Copies C (rows, N4) out of the module's memory at byte `at` into `out` (rows, N). */
function take(heap: Float32Array, at: number, out: Float32Array, rows: number, N: number, N4: number): void {
  const base = at / 4;
  if (N4 === N) {
    out.set(heap.subarray(base, base + rows * N));
    return;
  }
  for (let r = 0; r < rows; r++) out.set(heap.subarray(base + r * N4, base + r * N4 + N), r * N);
}

/** x − v₀ in CSR in the module's memory (offsets in bytes), or null when x is not sparse enough. */
interface Sparse {
  v0: number;
  nnz: number;
  rowPtr: number;
  colIdx: number;
  vals: number;
}

/**
 * Copies x (M, K) into the module at byte `at`, finds v₀ = min x and builds x − v₀ in CSR at the given
 * offsets (colIdx and vals with room for max + K entries). Null when x holds a NaN or ±∞ minimum, or
 * more than max entries differ from v₀.
 */
function sparsify(w: Exports, x: Float32Array, M: number, K: number, at: number, rowPtr: number, colIdx: number, vals: number, max: number): Sparse | null {
  new Float32Array(w.memory.buffer).set(x, at / 4);
  const v0 = w.minimum(M * K, at);
  if (!Number.isFinite(v0)) return null;
  const nnz = w.csr(M, K, at, v0, rowPtr, colIdx, vals, max);
  return nnz < 0 ? null : { v0, nnz, rowPtr, colIdx, vals };
}

/** The most entries that may differ from the background for the sparse product, of `size`. */
const maxEntries = (size: number): number => Math.floor(SPARSE_MAX_DENSITY * size);

function checkSizes(what: string, sizes: [string, number, number][]): void {
  const bad = sizes.filter(([, have, want]) => have !== want);
  if (bad.length > 0) throw new Error(`${what}: ${bad.map(([name, have, want]) => `${name} has ${have} entries, (its shape) needs ${want}`).join('; ')}`);
}

/**
 * y = x·W + b, or max(x·W + b, 0) with `relu`, through the background decomposition above — when at
 * most {@link SPARSE_MAX_DENSITY} of x's entries differ from its minimum; otherwise nothing is written.
 *
 * @param x (M, K) row-major
 * @param W (K, N); `bias` (N); `out` (M, N) receives y
 * @returns whether the product was computed (false: x is too dense, or holds NaN or ±∞)
 * @example
 * if (!sparseDense(x, 128, 784, W, 512, b, true, y)) denseProduct();
 */
export function sparseDense(x: Float32Array, M: number, K: number, W: Float32Array, N: number, bias: Float32Array, relu: boolean, out: Float32Array): boolean {
  checkSizes(`sparseDense (M, K, N) = (${M}, ${K}, ${N})`, [['x', x.length, M * K], ['W', W.length, K * N], ['bias', bias.length, N], ['out', out.length, M * N]]);
  if (M === 0 || K === 0 || N === 0) return false;
  const w = wasm();
  const N4 = ceil4(N);
  const max = maxEntries(M * K);
  const [xAt, rowPtr, colIdx, vals, B, b, C] = layout(w, [M * K, M + 1, max + K, max + K, K * N4, N4, M * N4]) as [number, number, number, number, number, number, number];
  const s = sparsify(w, x, M, K, xAt, rowPtr, colIdx, vals, max);
  if (s === null) return false;
  const heap = new Float32Array(w.memory.buffer);
  put(heap, B, W, K, N, N4);
  // b + v₀·Σₖ W[k, :]
  w.colsum(K, N4, B, b);
  for (let j = 0; j < N; j++) heap[b / 4 + j] = (bias[j] as number) + s.v0 * (heap[b / 4 + j] as number);
  w.spmm(M, N4, rowPtr, colIdx, vals, B, b, relu ? 1 : 0, C);
  take(heap, C, out, M, N, N4);
  return true;
}

/**
 * ∂W = xᵀ·g through the background decomposition above — when at most {@link SPARSE_MAX_DENSITY} of
 * x's entries differ from its minimum; otherwise nothing is written.
 *
 * @param x (M, K) row-major
 * @param g (M, N); `out` (K, N) receives xᵀ·g
 * @returns whether the product was computed
 * @example
 * if (!sparseDenseGradW(x, 128, 784, g, 512, dW)) denseProduct();
 */
export function sparseDenseGradW(x: Float32Array, M: number, K: number, g: Float32Array, N: number, out: Float32Array): boolean {
  checkSizes(`sparseDenseGradW (M, K, N) = (${M}, ${K}, ${N})`, [['x', x.length, M * K], ['g', g.length, M * N], ['out', out.length, K * N]]);
  if (M === 0 || K === 0 || N === 0) return false;
  const w = wasm();
  const N4 = ceil4(N);
  const max = maxEntries(M * K);
  const [xAt, rowPtr, colIdx, vals, colPtr, rowIdx, valsT, G, b, C] = layout(w, [M * K, M + 1, max + K, max + K, K + 1, max, max, M * N4, N4, K * N4]) as [
    number, number, number, number, number, number, number, number, number, number,
  ];
  const s = sparsify(w, x, M, K, xAt, rowPtr, colIdx, vals, max);
  if (s === null) return false;
  w.transpose(M, K, rowPtr, colIdx, vals, colPtr, rowIdx, valsT); // (x − v₀)ᵀ, (K, M)
  const heap = new Float32Array(w.memory.buffer);
  put(heap, G, g, M, N, N4);
  // every row of ∂W starts from v₀·Σᵢ g[i, :]
  w.colsum(M, N4, G, b);
  for (let j = 0; j < N4; j++) heap[b / 4 + j] = s.v0 * (heap[b / 4 + j] as number);
  w.spmm(K, N4, colPtr, rowIdx, valsT, G, b, 0, C);
  take(heap, C, out, K, N, N4);
  return true;
}
