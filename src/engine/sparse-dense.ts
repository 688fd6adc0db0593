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
 * exact algebra; the float32 sums differ from a dense product's only in rounding (barring overflow of
 * terms within a factor of two of float32's largest value, where x − v₀ is refused). The products run in
 * a small hand-written WebAssembly SIMD128 module (src/engine/wasm/kernels.wat) instantiated in
 * the wasm engine's own memory (no copies), on the calling thread, so the numbers do not depend on
 * the engine's thread count. The array functions ({@link sparseDense}, {@link sparseDenseGradW}) run
 * the same code in a private memory. v₀ is taken to be the minimum of x (the background of pixel data,
 * raw or standardized); when more than {@link SPARSE_MAX_DENSITY} of the entries differ from it (random
 * pixels, Gaussian inputs, whitened CIFAR-10) the caller uses the dense kernel instead.
 */
import { kernelsIn, privateMemory, type WasmKernels, type WasmMemory } from './wasm-module.js';

/**
 * The largest fraction of entries that differ from the background for which the sparse product is
 * used. `bench/sparse-dense.ts` (x 128 × 784 from MNIST, W 784 × 512; bench/records/raw/
 * kernels-2026-11-30T1757.txt and an earlier run): on one thread the sparse products stay faster than
 * XNNPACK's up to a density of ≈ 0.55–0.6; with XNNPACK on two threads, ∂W's crossover is ≈ 0.3–0.45
 * (it moved between the two runs) and the forward's ≈ 0.55. The threshold is the lowest of these, so
 * that no thread count loses (MNIST itself: 0.19).
 */
export const SPARSE_MAX_DENSITY = 0.3;

/** Where the products run: the module in some memory, a view of it, and temporary space. */
export interface Workspace {
  kernels: WasmKernels;
  /** the memory as float32 (a new view after any growth) */
  heap(): Float32Array;
  /** byte offset of `floats` float32 (or int32) elements of temporary space (4-aligned at least: v128 loads need no alignment) */
  alloc(floats: number): number;
}

/** x − v₀ in CSR, in the workspace (byte offsets). */
interface Sparse {
  v0: number;
  rowPtr: number;
  colIdx: number;
  vals: number;
}

/** The entries kept for x (M, K) at a density of at most `maxDensity`: room for max + K (the CSR pass writes one slot past the last kept entry of a row). */
const capacity = (M: number, K: number, maxDensity: number): number => Math.floor(maxDensity * M * K) + K;

/**
 * The size, in 32-bit words, of x − v₀ in CSR for x (M, K) as {@link sparseDenseAt} leaves it for
 * {@link sparseDenseGradWAt} (so that the backward pass need not find v₀ and the entries again):
 * [v₀ (f32), capacity, rowPtr (M + 1), colIdx (capacity), vals (capacity)].
 */
export function packedSparseWords(M: number, K: number, maxDensity = SPARSE_MAX_DENSITY): number {
  return 2 + M + 1 + 2 * capacity(M, K, maxDensity);
}

/** The CSR in a packed block at byte `at` (see {@link packedSparseWords}; its first two words already written). */
function packedAt(ws: Workspace, at: number, M: number): Sparse {
  const cap = new Int32Array(ws.heap().buffer)[at / 4 + 1] as number;
  const rowPtr = at + 8;
  const colIdx = rowPtr + 4 * (M + 1);
  return { v0: ws.heap()[at / 4] as number, rowPtr, colIdx, vals: colIdx + 4 * cap };
}

/**
 * v₀ = min x and x − v₀ in CSR for x (M, K) at byte `x` — in a packed block at byte `into` when given
 * ({@link packedSparseWords}), else in temporary space. Null when x holds NaN, its minimum is ±∞,
 * max x − v₀ overflows float32, or more than maxDensity·M·K entries differ from v₀.
 */
function sparsify(ws: Workspace, x: number, M: number, K: number, maxDensity: number, into?: number): Sparse | null {
  const range = ws.alloc(2);
  const nan = ws.kernels.range(M * K, x, range);
  const v0 = ws.heap()[range / 4] as number;
  // x − v₀ must stay finite in float32 (it can overflow where x does not: x near ±3.4e38).
  if (nan !== 0 || !Number.isFinite(v0) || !Number.isFinite(Math.fround((ws.heap()[range / 4 + 1] as number) - v0))) return null;
  const cap = capacity(M, K, maxDensity);
  let s: Sparse;
  if (into !== undefined) {
    ws.heap()[into / 4] = v0;
    new Int32Array(ws.heap().buffer)[into / 4 + 1] = cap;
    s = packedAt(ws, into, M);
  } else {
    s = { v0, rowPtr: ws.alloc(M + 1), colIdx: ws.alloc(cap), vals: ws.alloc(cap) };
  }
  return ws.kernels.csr(M, K, x, v0, s.rowPtr, s.colIdx, s.vals, cap - K) < 0 ? null : s;
}

/**
 * y = x·W + b, or max(x·W + b, 0) with `relu`, in a workspace: x (M, K), W (K, N), bias (N) and
 * out (M, N) at byte offsets of its memory. False, with out untouched, when more than `maxDensity` of
 * x's entries differ from its minimum, or x holds NaN or −∞. With `keep` (a byte offset of
 * {@link packedSparseWords}(M, K, maxDensity) words) x − v₀ in CSR is left there for
 * {@link sparseDenseGradWAt}.
 */
export function sparseDenseAt(ws: Workspace, x: number, M: number, K: number, W: number, N: number, bias: number, relu: boolean, out: number, maxDensity = SPARSE_MAX_DENSITY, keep?: number): boolean {
  if (M === 0 || K === 0 || N === 0) return false;
  const s = sparsify(ws, x, M, K, maxDensity, keep);
  if (s === null) return false;
  // b + v₀·Σₖ W[k, :]
  const b = ws.alloc(N);
  ws.kernels.colsum(K, N, W, b);
  const heap = ws.heap();
  for (let j = 0; j < N; j++) heap[b / 4 + j] = (heap[bias / 4 + j] as number) + s.v0 * (heap[b / 4 + j] as number);
  ws.kernels.spmm(M, N, s.rowPtr, s.colIdx, s.vals, W, b, relu ? 1 : 0, out);
  return true;
}

/**
 * ∂W = xᵀ·g in a workspace: x (M, K), g (M, N), out (K, N) at byte offsets; false as
 * {@link sparseDenseAt}. With `colSums`, Σᵢ g[i, :] (N) is written there too (a bias gradient: the
 * decomposition needs it anyway). With `kept`, the byte offset of the CSR that {@link sparseDenseAt}
 * left for this x, v₀ and the entries are read from there instead of found again.
 */
export function sparseDenseGradWAt(ws: Workspace, x: number, M: number, K: number, g: number, N: number, out: number, maxDensity = SPARSE_MAX_DENSITY, colSums?: number, kept?: number): boolean {
  if (M === 0 || K === 0 || N === 0) return false;
  const s = kept !== undefined ? packedAt(ws, kept, M) : sparsify(ws, x, M, K, maxDensity);
  if (s === null) return false;
  const nnz = new Int32Array(ws.heap().buffer)[s.rowPtr / 4 + M] as number;
  const colPtr = ws.alloc(K + 1);
  const rowIdx = ws.alloc(nnz);
  const valsT = ws.alloc(nnz);
  ws.kernels.transpose(M, K, s.rowPtr, s.colIdx, s.vals, colPtr, rowIdx, valsT); // (x − v₀)ᵀ, (K, M)
  // every row of ∂W starts from v₀·Σᵢ g[i, :]
  const sums = colSums ?? ws.alloc(N);
  ws.kernels.colsum(M, N, g, sums);
  const b = ws.alloc(N);
  const heap = ws.heap();
  for (let j = 0; j < N; j++) heap[b / 4 + j] = s.v0 * (heap[sums / 4 + j] as number);
  ws.kernels.spmm(K, N, colPtr, rowIdx, valsT, g, b, 0, out);
  return true;
}

let scratch: WasmMemory | null = null;

/** A workspace in this module's private memory (kept between calls, grown on demand): a bump allocator from 0. */
function privateWorkspace(): Workspace {
  scratch ??= privateMemory(1 << 20);
  const memory = scratch;
  const kernels = kernelsIn(memory);
  let top = 0;
  return {
    kernels,
    heap: () => new Float32Array(memory.buffer),
    alloc(n) {
      const at = top;
      top += Math.ceil((4 * n) / 16) * 16;
      if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
      return at;
    },
  };
}

function checkSizes(what: string, sizes: [string, number, number][]): void {
  const bad = sizes.filter(([, have, want]) => have !== want);
  if (bad.length > 0) throw new Error(`${what}: ${bad.map(([name, have, want]) => `${name} has ${have} entries, (its shape) needs ${want}`).join('; ')}`);
}

/** Copies `arrays` into a private workspace; their byte offsets in order. */
function load(ws: Workspace, arrays: Float32Array[]): number[] {
  const offsets = arrays.map((a) => ws.alloc(a.length));
  const heap = ws.heap();
  arrays.forEach((a, i) => heap.set(a, offsets[i]! / 4));
  return offsets;
}

/**
 * y = x·W + b, or max(x·W + b, 0) with `relu`, through the background decomposition above — when at
 * most `maxDensity` of x's entries differ from its minimum; otherwise nothing is written. (On arrays,
 * in a private memory; the wasm engine's kernel runs {@link sparseDenseAt} in its own.)
 *
 * @param x (M, K) row-major
 * @param W (K, N); `bias` (N); `out` (M, N) receives y
 * @param maxDensity the largest fraction of x's entries that may differ from its minimum (a benchmark's knob)
 * @returns whether the product was computed (false: x is too dense, or holds NaN or −∞)
 * @example
 * if (!sparseDense(x, 128, 784, W, 512, b, true, y)) denseProduct();
 */
export function sparseDense(x: Float32Array, M: number, K: number, W: Float32Array, N: number, bias: Float32Array, relu: boolean, out: Float32Array, maxDensity = SPARSE_MAX_DENSITY): boolean {
  checkSizes(`sparseDense (M, K, N) = (${M}, ${K}, ${N})`, [['x', x.length, M * K], ['W', W.length, K * N], ['bias', bias.length, N], ['out', out.length, M * N]]);
  const ws = privateWorkspace();
  const [xAt, wAt, bAt] = load(ws, [x, W, bias]) as [number, number, number];
  const yAt = ws.alloc(M * N);
  if (!sparseDenseAt(ws, xAt, M, K, wAt, N, bAt, relu, yAt, maxDensity)) return false;
  out.set(ws.heap().subarray(yAt / 4, yAt / 4 + M * N));
  return true;
}

/**
 * ∂W = xᵀ·g through the background decomposition above — when at most `maxDensity` of x's entries
 * differ from its minimum; otherwise nothing is written. (On arrays, in a private memory.)
 *
 * @param x (M, K) row-major
 * @param g (M, N); `out` (K, N) receives xᵀ·g
 * @param maxDensity as for {@link sparseDense}
 * @returns whether the product was computed
 * @example
 * if (!sparseDenseGradW(x, 128, 784, g, 512, dW)) denseProduct();
 */
export function sparseDenseGradW(x: Float32Array, M: number, K: number, g: Float32Array, N: number, out: Float32Array, maxDensity = SPARSE_MAX_DENSITY): boolean {
  checkSizes(`sparseDenseGradW (M, K, N) = (${M}, ${K}, ${N})`, [['x', x.length, M * K], ['g', g.length, M * N], ['out', out.length, K * N]]);
  const ws = privateWorkspace();
  const [xAt, gAt] = load(ws, [x, g]) as [number, number];
  const dwAt = ws.alloc(K * N);
  if (!sparseDenseGradWAt(ws, xAt, M, K, gAt, N, dwAt, maxDensity)) return false;
  out.set(ws.heap().subarray(dwAt / 4, dwAt / 4 + K * N));
  return true;
}
