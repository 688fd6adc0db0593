/**
 * The project's WebAssembly module (src/engine/wasm/kernels.wat, embedded by scripts/build-wasm.mjs
 * in wasm/kernels-wasm.ts): compiled once per process, instantiated once per memory — the wasm
 * engine's own heap (the kernels then read and write tensors where they are) or a private memory.
 * The engine's memory is shared when it runs threads, so the module comes in a shared and an
 * unshared build; the memory picks one.
 */
import { KERNELS_WASM, KERNELS_WASM_UNSHARED } from './wasm/kernels-wasm.js';

/** A WebAssembly.Memory, as far as it is used here. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** The part of the WebAssembly API used here (the project's TypeScript lib, ES2022 without DOM, does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

const api = (): WasmApi => (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The module's functions; pointers are byte offsets into the memory it was instantiated in (kernels.wat documents each). */
export interface WasmKernels {
  /** C = act(1·biasᵀ + A·B), A (M, K) in CSR, B (K, N), C (M, N) */
  spmm(M: number, N: number, rowPtr: number, colIdx: number, vals: number, B: number, bias: number, relu: number, C: number): void;
  /** out[j] = Σ_k B[k, j], B (K, N) */
  colsum(K: number, N: number, B: number, out: number): void;
  /** 1 when one of the n floats at x is NaN, else 0 with their min and max written to out and out + 4 */
  range(n: number, x: number, out: number): number;
  /** x − v0 in CSR; nnz, or −1 past `max` entries */
  csr(M: number, K: number, x: number, v0: number, rowPtr: number, colIdx: number, vals: number, max: number): number;
  /** the transpose of a CSR matrix, as CSR */
  transpose(M: number, K: number, rowPtr: number, colIdx: number, vals: number, colPtr: number, rowIdx: number, valsT: number): void;
  /** ∂x of a max-pool for images from … to − 1 (kernels.wat); x, dy, dx byte offsets */
  maxPoolGrad(x: number, dy: number, dx: number, from: number, to: number, H: number, W: number, C: number, OH: number, OW: number, sH: number, sW: number, FH: number, FW: number, pt: number, pl: number): void;
  /** dst[c] = Σ_r src[r, c] (float64, row order, stored as float32) for columns from … to − 1 of src (rows, cols) */
  sumLeading(src: number, dst: number, rows: number, cols: number, from: number, to: number): void;
  /** LRN over pixels from … to − 1 (kernels.wat; β by mode: 0 for 3/4, 1 for 1/2; scratch: 2C + 1 float64) */
  lrn(x: number, y: number, from: number, to: number, C: number, r: number, bias: number, alpha: number, mode: number, scratch: number): void;
  /** its gradient (ab2 = 2·α·β; scratch: 3C + 2 float64) */
  lrnGrad(x: number, y: number, dy: number, dx: number, from: number, to: number, C: number, r: number, bias: number, alpha: number, ab2: number, mode: number, scratch: number): void;
  /** one momentum-SGD update of n parameters: g' = g + w·λ (decay ≠ 0), v' = v·μ + g', w' = w − v'·η */
  momentum(n: number, w: number, v: number, g: number, mu: number, lr: number, lambda: number, decay: number, wOut: number, vOut: number): void;
}

const instances = new WeakMap<WasmMemory, WasmKernels>();
const compiled: { shared?: object; unshared?: object } = {};

/**
 * The module instantiated in `memory` (its shared or unshared build, as the memory is), once per memory.
 *
 * @example
 * const k = kernelsIn(privateMemory(1 << 20));
 * const nan = k.range(4, 0, 16); // min and max of the first 4 floats at bytes 16 and 20
 */
export function kernelsIn(memory: WasmMemory): WasmKernels {
  let k = instances.get(memory);
  if (k === undefined) {
    const shared = memory.buffer instanceof SharedArrayBuffer;
    const module = shared
      ? (compiled.shared ??= new (api().Module)(Buffer.from(KERNELS_WASM, 'base64')))
      : (compiled.unshared ??= new (api().Module)(Buffer.from(KERNELS_WASM_UNSHARED, 'base64')));
    k = new (api().Instance)(module, { env: { memory } }).exports as WasmKernels;
    instances.set(memory, k);
  }
  return k;
}

/** A fresh unshared memory of at least `bytes` bytes (it grows on demand). */
export function privateMemory(bytes: number): WasmMemory {
  return new (api().Memory)({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
}
