/**
 * The bodies of the project's JavaScript kernels for the wasm backend (src/engine/wasm-ops.ts), as
 * functions of the WebAssembly heap, element offsets, and a range [from, to) of the dimension the work
 * is split on. On one thread a kernel runs its whole range; on two (src/engine/wasm-parallel.ts) the
 * main thread runs [0, mid) and a helper thread [mid, total) over the same shared memory. Each split
 * gives every output element to exactly one thread and computes it in the same order, so the
 * results do not depend on the thread count (bit for bit).
 *
 * Offsets are in float32 elements (a tensor's byte offset / 4).
 */
import type { WasmKernels } from './wasm-module.js';

/**
 * A kernel: heap (the whole memory as float32), its integer and float arguments, its range, and the
 * project's WebAssembly module instantiated in that memory on this thread (for a kernel whose body
 * is there).
 */
export type JsKernel = (heap: Float32Array, ints: Int32Array, floats: Float64Array, from: number, to: number, wasm?: WasmKernels) => void;

/** v^(−β) for v ≥ bias > 0; β = 3/4 (AlexNet's) as 1/(√v·⁴√v), 5× faster than Math.pow in V8 and equal to it in float32 on 2·10⁶ tested values. */
export function negPow(v: number, beta: number): number {
  if (beta === 0.75) {
    const q = Math.sqrt(v);
    return 1 / (q * Math.sqrt(q));
  }
  return beta === 0.5 ? 1 / Math.sqrt(v) : Math.pow(v, -beta);
}

/** The β of LRN for which the WebAssembly module computes n^(−β) (its mode: 3/4 as √n·√√n, 1/2 as √n); any other β takes the loops here. */
const BETA_MODES = new Map([[0.75, 0], [0.5, 1]]);

/**
 * This thread's scratch for the module's LRN kernels: `scratch` (a float32 offset) holds two areas of
 * `f64s` float64 each, the first for the thread whose range starts at 0 (the calling thread, or the
 * only one), the second for the helper's; returned as a byte offset.
 */
function scratchOf(scratch: number, from: number, f64s: number): number {
  return 4 * scratch + (from === 0 ? 0 : 8 * f64s);
}

/**
 * n_i = bias + α·Σ_{j=max(0,i−r)}^{min(C−1,i+r)} x_j² for one pixel's C channels, from a prefix sum of
 * squares (float64), into `norm`.
 */
function windowNorms(heap: Float32Array, base: number, C: number, r: number, bias: number, alpha: number, prefix: Float64Array, norm: Float64Array): void {
  prefix[0] = 0;
  for (let c = 0; c < C; c++) {
    const v = heap[base + c]!;
    prefix[c + 1] = prefix[c]! + v * v;
  }
  for (let c = 0; c < C; c++) norm[c] = bias + alpha * (prefix[Math.min(C, c + r + 1)]! - prefix[Math.max(0, c - r)]!);
}

/**
 * The kernels by id. Argument layouts (ints | floats), and the split dimension:
 * - maxPoolGrad: x, dy, dx offsets, N, H, W, C, OH, OW, sH, sW, FH, FW, pt, pl | — ; split on n.
 *   Each window's gradient goes to its FIRST maximum (row-major window order), as the cpu backend
 *   does (also for NaN and −∞: a running max from −∞, strictly greater replaces it). Its body is the
 *   WebAssembly module's maxPoolGrad (kernels.wat: four channels at a time; one thread, batch 40 of
 *   small AlexNet's 28×28×64 pool: 3.0–3.1 ms, where the loop in JavaScript took 16.5–16.9;
 *   bench/records/training.md).
 * - lrn: x, y offsets, C, r[, scratch] | bias, α, β ; split on pixels. y_i = x_i·n_i^(−β).
 * - lrnGrad: x, y, dy, dx offsets, C, r[, scratch] | bias, α, β ; split on pixels. With t_o = dy_o·y_o/n_o,
 *   dx_i = dy_i·n_i^(−β) − 2αβ·x_i·Σ_{|o−i|≤r} t_o (the window is symmetric: a window sum of t).
 *   For β = 3/4 (AlexNet's) or 1/2, given a scratch offset (2 × (2C + 1) float64 for lrn, 2 × (3C + 2)
 *   for lrnGrad) and the module, both run there — the same float64 operations in the same order
 *   (bit for bit), two channels at a time where they can.
 * - sumLeading: src, dst offsets, rows, cols | — ; split on columns. dst_c = Σ_r src[r, c] in float64,
 *   in row order; its body is the WebAssembly module's sumLeading (sixteen columns at a time; one
 *   thread, small AlexNet's bias gradient over 40 × 28 × 28 rows of 64: 1.1 ms, where the loop in
 *   JavaScript took 5.7–6.0).
 * - bnStats: z, mean, variance, invStd offsets, m (rows), C | ε ; split on channels. Two passes per
 *   channel in float64 (mean, then squared deviations, as tf.moments); stored as float32.
 * - bnApply: z, mean, invStd, γ, β, y, x̂ offsets, C | — ; split on rows. x̂ = (z − μ)·invStd (from the
 *   stored float32 statistics), y = max(γ·x̂ + β, 0).
 * - bnGradSums: dy, x̂, γ, β, dGamma, dBeta offsets, m, C | — ; split on channels. With
 *   g = dy·[γ·x̂ + β > 0]: ∂β = Σ g, ∂γ = Σ g·x̂ in float64, stored as float32.
 * - bnGradApply: dy, x̂, γ, β, invStd, dGamma, dBeta, dz offsets, m, C | — ; split on rows.
 *   ∂z = γ·invStd·(g − ∂β/m − x̂·∂γ/m).
 */
export const JS_KERNELS = {
  maxPoolGrad(_heap, ints, _floats, from, to, wasm) {
    if (wasm === undefined) throw new Error('maxPoolGrad runs in the project\'s WebAssembly module: no instance of it was given');
    const [xO, gO, dO, , H, Wd, C, OH, OW, sH, sW, FH, FW, pt, pl] = ints as unknown as number[] as [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
    wasm.maxPoolGrad(4 * xO, 4 * gO, 4 * dO, from, to, H, Wd, C, OH, OW, sH, sW, FH, FW, pt, pl);
  },

  lrn(heap, ints, floats, from, to, wasm) {
    const [xO, yO, C, r, scratch] = ints as unknown as [number, number, number, number, number | undefined];
    const [bias, alpha, beta] = floats as unknown as [number, number, number];
    const mode = BETA_MODES.get(beta);
    if (wasm !== undefined && scratch !== undefined && mode !== undefined) {
      wasm.lrn(4 * xO, 4 * yO, from, to, C, r, bias, alpha, mode, scratchOf(scratch, from, 2 * C + 1));
      return;
    }
    const prefix = new Float64Array(C + 1);
    const norm = new Float64Array(C);
    for (let p = from; p < to; p++) {
      windowNorms(heap, xO + p * C, C, r, bias, alpha, prefix, norm);
      for (let c = 0; c < C; c++) heap[yO + p * C + c] = heap[xO + p * C + c]! * negPow(norm[c]!, beta);
    }
  },

  lrnGrad(heap, ints, floats, from, to, wasm) {
    const [xO, yO, gO, dO, C, r, scratch] = ints as unknown as [number, number, number, number, number, number, number | undefined];
    const [bias, alpha, beta] = floats as unknown as [number, number, number];
    const mode = BETA_MODES.get(beta);
    if (wasm !== undefined && scratch !== undefined && mode !== undefined) {
      wasm.lrnGrad(4 * xO, 4 * yO, 4 * gO, 4 * dO, from, to, C, r, bias, alpha, 2 * alpha * beta, mode, scratchOf(scratch, from, 3 * C + 2));
      return;
    }
    const prefix = new Float64Array(C + 1);
    const norm = new Float64Array(C);
    const tPrefix = new Float64Array(C + 1);
    for (let p = from; p < to; p++) {
      const base = p * C;
      windowNorms(heap, xO + base, C, r, bias, alpha, prefix, norm);
      tPrefix[0] = 0;
      for (let c = 0; c < C; c++) tPrefix[c + 1] = tPrefix[c]! + (heap[gO + base + c]! * heap[yO + base + c]!) / norm[c]!;
      for (let c = 0; c < C; c++) {
        const window = tPrefix[Math.min(C, c + r + 1)]! - tPrefix[Math.max(0, c - r)]!;
        heap[dO + base + c] = heap[gO + base + c]! * negPow(norm[c]!, beta) - 2 * alpha * beta * heap[xO + base + c]! * window;
      }
    }
  },

  sumLeading(_heap, ints, _floats, from, to, wasm) {
    if (wasm === undefined) throw new Error('sumLeading runs in the project\'s WebAssembly module: no instance of it was given');
    const [sO, dO, rows, cols] = ints as unknown as [number, number, number, number];
    wasm.sumLeading(4 * sO, 4 * dO, rows, cols, from, to);
  },

  bnStats(heap, ints, floats, from, to) {
    const [zO, meanO, varO, invO, m, C] = ints as unknown as [number, number, number, number, number, number];
    const eps = floats[0]!;
    const k = to - from;
    const mean = new Float64Array(k);
    const dev = new Float64Array(k);
    for (let o = zO + from; o < zO + m * C; o += C) for (let c = 0; c < k; c++) mean[c] = mean[c]! + heap[o + c]!;
    for (let c = 0; c < k; c++) mean[c] = mean[c]! / m;
    for (let o = zO + from; o < zO + m * C; o += C) {
      for (let c = 0; c < k; c++) {
        const d = heap[o + c]! - mean[c]!;
        dev[c] = dev[c]! + d * d;
      }
    }
    for (let c = 0; c < k; c++) {
      const variance = dev[c]! / m;
      heap[meanO + from + c] = mean[c]!;
      heap[varO + from + c] = variance;
      heap[invO + from + c] = 1 / Math.sqrt(variance + eps);
    }
  },

  bnApply(heap, ints, _floats, from, to) {
    const [zO, meanO, invO, gO, bO, yO, hO, C] = ints as unknown as [number, number, number, number, number, number, number, number];
    for (let row = from; row < to; row++) {
      const o = row * C;
      for (let c = 0; c < C; c++) {
        const h = Math.fround((heap[zO + o + c]! - heap[meanO + c]!) * heap[invO + c]!); // x̂ as stored: the gradient recomputes the ReLU's mask from it
        heap[hO + o + c] = h;
        const v = heap[gO + c]! * h + heap[bO + c]!;
        heap[yO + o + c] = v > 0 ? v : 0;
      }
    }
  },

  bnGradSums(heap, ints, _floats, from, to) {
    const [gO, hO, gammaO, betaO, dGammaO, dBetaO, m, C] = ints as unknown as [number, number, number, number, number, number, number, number];
    const k = to - from;
    const dBeta = new Float64Array(k);
    const dGamma = new Float64Array(k);
    for (let row = 0; row < m; row++) {
      const o = row * C + from;
      for (let c = 0; c < k; c++) {
        const h = heap[hO + o + c]!;
        if (heap[gammaO + from + c]! * h + heap[betaO + from + c]! > 0) {
          const d = heap[gO + o + c]!;
          dBeta[c] = dBeta[c]! + d;
          dGamma[c] = dGamma[c]! + d * h;
        }
      }
    }
    for (let c = 0; c < k; c++) {
      heap[dBetaO + from + c] = dBeta[c]!;
      heap[dGammaO + from + c] = dGamma[c]!;
    }
  },

  bnGradApply(heap, ints, _floats, from, to) {
    const [gO, hO, gammaO, betaO, invO, dGammaO, dBetaO, dzO, m, C] = ints as unknown as [number, number, number, number, number, number, number, number, number, number];
    for (let row = from; row < to; row++) {
      const o = row * C;
      for (let c = 0; c < C; c++) {
        const h = heap[hO + o + c]!;
        const gamma = heap[gammaO + c]!;
        const gr = gamma * h + heap[betaO + c]! > 0 ? heap[gO + o + c]! : 0;
        heap[dzO + o + c] = gamma * heap[invO + c]! * (gr - heap[dBetaO + c]! / m - (h * heap[dGammaO + c]!) / m);
      }
    }
  },
} satisfies Record<string, JsKernel>;

/** A kernel's id. */
export type JsKernelId = keyof typeof JS_KERNELS;

/** Kernel ids in a fixed order (their numbers in the helper thread's control block). */
export const JS_KERNEL_IDS = Object.keys(JS_KERNELS) as JsKernelId[];
