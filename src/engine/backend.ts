/**
 * Backend selection for training. `auto` takes the native TensorFlow backend when
 * `@tensorflow/tfjs-node` (or `-gpu`) loads, else wasm (with the project's op implementations), which needs
 * nothing but this package. The backend in use is returned and stored with every result.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { InputError } from '../errors.js';
import { registerWasmOps } from './wasm-ops.js';
import { defaultWasmThreads, unrefPthreadWorkers, withThreadedStart } from './wasm-threads.js';
import { startParallelKernels, type SharedMemory } from './wasm-parallel.js';

import { BACKENDS, type BackendName } from './names.js';

export { BACKENDS, type BackendName };

/** What a started backend reports about itself. */
export interface BackendInfo {
  /** the tfjs backend name in use: 'tensorflow' | 'wasm' | 'webgpu' | 'cpu' */
  name: Exclude<BackendName, 'auto'>;
  /** package versions behind it, stored in summary.json */
  versions: Record<string, string>;
  /** threads of the wasm engine (XNNPACK's pool); null for the other backends, which choose their own */
  threads: number | null;
  /** why the wasm engine runs on fewer threads than asked for; absent when it does not */
  threadsNote?: string;
}

/** Options of {@link startBackend}. */
export interface StartOptions {
  /**
   * threads of the wasm engine, 1–8 (default: `RETHINK_WASM_THREADS`, else the machine's cores on the
   * main thread; the worker pool gives each worker its share). Fixed once the wasm backend has started
   * in a process: a later call reports the count in use.
   */
  threads?: number;
}

const require = createRequire(import.meta.url);

function versionOf(pkg: string): string {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function tryImport(pkg: string): Promise<string | null> {
  try {
    await import(pkg);
    return null;
  } catch (e) {
    return (e as Error).message.split('\n')[0] ?? 'failed to load';
  }
}

/** Why a backend could not start, with the ones that can. */
export class BackendUnavailableError extends InputError {
  constructor(name: string, why: string) {
    super(`backend '${name}' cannot start: ${why}. Backends that start on every machine: wasm, cpu (use --backend wasm)`);
  }
}

/**
 * Starts a tfjs backend and makes it current.
 *
 * @param name `auto` | `tensorflow` | `wasm` | `webgpu` | `cpu`
 * @param options the wasm engine's thread count
 * @returns the backend in use, the versions behind it, and the wasm engine's threads
 * @throws BackendUnavailableError naming the reason and the backends that work
 * @example
 * const { name } = await startBackend('auto'); // 'wasm' here, 'tensorflow' where tfjs-node installs
 */
export async function startBackend(name: BackendName, options: StartOptions = {}): Promise<BackendInfo> {
  // Production mode: no console banners (tfjs's cpu backend advertises tfjs-node on first use; the
  // backend in use is reported with every result instead).
  tf.env().set('PROD', true);
  if (!(BACKENDS as readonly string[]).includes(name)) {
    throw new InputError(`unknown backend '${String(name)}': valid backends are ${BACKENDS.join(', ')}`);
  }
  const core = { '@tensorflow/tfjs': versionOf('@tensorflow/tfjs') };
  if (name === 'auto') {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      if ((await tryImport(pkg)) === null && (await tf.setBackend('tensorflow'))) {
        return { name: 'tensorflow', versions: { ...core, [pkg]: versionOf(pkg) }, threads: null };
      }
    }
    return startBackend('wasm', options);
  }
  if (name === 'tensorflow') {
    let why = '';
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      const err = await tryImport(pkg);
      if (err === null && (await tf.setBackend('tensorflow'))) return { name, versions: { ...core, [pkg]: versionOf(pkg) }, threads: null };
      why = err ?? 'setBackend failed';
    }
    throw new BackendUnavailableError(name, `@tensorflow/tfjs-node is not installed or its native library did not load (${why})`);
  }
  if (name === 'wasm') {
    const wasmPackage = await import('@tensorflow/tfjs-backend-wasm');
    registerWasmOps();
    const versions = { ...core, '@tensorflow/tfjs-backend-wasm': versionOf('@tensorflow/tfjs-backend-wasm') };
    // The module (and its thread pool) is made once per process, by one start at a time (the start
    // patches globals for its duration); later calls switch back to it and report its thread count.
    wasmStarting ??= startWasm(wasmPackage, options.threads ?? defaultWasmThreads()).catch((err: unknown) => {
      wasmStarting = null;
      throw err;
    });
    const started = await wasmStarting;
    if (tf.getBackend() !== 'wasm' && !(await tf.setBackend('wasm'))) throw new BackendUnavailableError(name, 'the WebAssembly module failed to initialise');
    const asked = options.threads;
    const later = asked !== undefined && asked !== started.threads && started.threadsNote === undefined;
    return { name, versions, ...started, ...(later ? { threadsNote: `the wasm engine already runs on ${started.threads} thread${started.threads === 1 ? '' : 's'} in this process (asked for ${asked}); the count is fixed when it starts` } : {}) };
  }
  if (name === 'cpu') {
    await tf.setBackend('cpu');
    return { name, versions: core, threads: null }; // the cpu backend ships inside @tensorflow/tfjs
  }
  return startWebgpu(core);
}

/** The wasm engine's start in this process (its thread count, and why it has fewer than asked for). */
let wasmStarting: Promise<{ threads: number; threadsNote?: string }> | null = null;

/** Starts the wasm backend with `threads` threads (src/engine/wasm-threads.ts), guards its heap, and starts the JavaScript kernels' helper thread. */
async function startWasm(wasmPackage: typeof import('@tensorflow/tfjs-backend-wasm'), threads: number): Promise<{ threads: number; threadsNote?: string }> {
  const { value: ok, note } = await withThreadedStart(
    threads,
    {
      setThreadsCount: (n) => wasmPackage.setThreadsCount(n),
      setFlag: (threaded) => tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threaded),
    },
    () => tf.setBackend('wasm'),
  );
  if (!ok) {
    throw new BackendUnavailableError('wasm', `the WebAssembly module failed to initialise${threads > 1 ? ` with ${threads} threads (try --threads 1)` : ''}`);
  }
  const module = (tf.backend() as unknown as { wasm: WasmModule & { PThread?: Parameters<typeof unrefPthreadWorkers>[0]['PThread'] } }).wasm;
  unrefPthreadWorkers(module);
  guardWasmHeap({ wasm: module });
  const used = wasmPackage.getThreadsCount();
  // The project's JavaScript kernels take a second thread when the engine has one (its memory is shared).
  const memory: SharedMemory = (module as { wasmMemory?: SharedMemory }).wasmMemory ?? { get buffer() { return module.HEAPU8.buffer; } };
  const helperNote = await startParallelKernels(memory, used);
  const threadsNote = note ?? (used < threads ? `asked for ${threads} threads, the engine started ${used}` : helperNote ?? undefined);
  return { threads: used, ...(threadsNote !== undefined ? { threadsNote } : {}) };
}

/** The part of the wasm backend's Emscripten module the heap guard touches. */
interface WasmModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
  rethinkHeapGuard?: true;
}

/** The WebAssembly heap is full: what was asked for, and what to do. */
export class WasmHeapExhaustedError extends InputError {
  constructor(bytes: number, heapBytes: number) {
    const gib = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GiB`;
    super(
      `the WebAssembly heap cannot hold ${gib(bytes)} more (${gib(heapBytes)} already taken; wasm addresses at most 4 GiB). ` +
        'Lower --batch-size (memory grows with it), use smaller inputs, or use --backend tensorflow where @tensorflow/tfjs-node installs',
    );
  }
}

/**
 * tfjs-backend-wasm 4.22 does not check `malloc`: when the 4 GiB heap is full it gets address 0,
 * registers the tensor there and the next kernel overwrites the heap's start ("memory access out of
 * bounds", or silently wrong numbers); a request of 4 GiB or more wraps around as a 32-bit size, and
 * one above 2 GiB can get a block that ends past the heap. This wraps the module's `_malloc` so that a failed allocation
 * throws {@link WasmHeapExhaustedError} before anything is written.
 */
function guardWasmHeap(backend: { wasm: WasmModule }): void {
  const wasm = backend.wasm;
  if (wasm.rethinkHeapGuard) return;
  // Emscripten's `_malloc` replaces itself with the raw export on its first call: make that call now,
  // so that the wrapper below is not overwritten.
  wasm._free(wasm._malloc(8));
  const malloc = wasm._malloc.bind(wasm);
  wasm._malloc = (bytes: number): number => {
    // A request of 4 GiB or more would wrap around as a 32-bit size and "succeed" with a small block.
    if (bytes >= 2 ** 32) throw new WasmHeapExhaustedError(bytes, wasm.HEAPU8.length);
    const pointer = malloc(bytes) >>> 0;
    if (pointer === 0 && bytes > 0) throw new WasmHeapExhaustedError(bytes, wasm.HEAPU8.length);
    // Emscripten's sbrk takes a signed 32-bit increment: a request above 2 GiB can come back as a
    // block that runs past the end of memory (measured). Such a block is refused (and not freed:
    // freeing it would make the allocator read past the end of memory).
    if (pointer + bytes > wasm.HEAPU8.length) {
      throw new WasmHeapExhaustedError(bytes, wasm.HEAPU8.length);
    }
    return pointer;
  };
  wasm.rethinkHeapGuard = true;
}

/**
 * WebGPU through Dawn (the npm package `webgpu`, which ships prebuilt binaries) and tfjs's WebGPU
 * backend. On a machine without a GPU, Mesa's lavapipe (`mesa-vulkan-drivers` ≥ 25, e.g. from
 * Debian bookworm-backports) provides a Vulkan device on the CPU and the same code path runs.
 */
async function startWebgpu(core: Record<string, string>): Promise<BackendInfo> {
  let dawn: { create(flags: string[]): unknown; globals: Record<string, unknown> };
  try {
    dawn = (await import('webgpu')) as unknown as typeof dawn;
  } catch (e) {
    throw new BackendUnavailableError('webgpu', `the optional packages 'webgpu' and '@tensorflow/tfjs-backend-webgpu' did not load (${(e as Error).message.split('\n')[0]}); reinstall with npm install`);
  }
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu === undefined) {
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    if (g.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
  const adapter = await (g.navigator?.gpu as { requestAdapter(): Promise<unknown> }).requestAdapter();
  if (adapter === null || adapter === undefined) {
    throw new BackendUnavailableError('webgpu', 'no WebGPU adapter: install a Vulkan driver (without a GPU: Mesa\'s lavapipe, mesa-vulkan-drivers ≥ 25 from Debian bookworm-backports)');
  }
  // The backend registers itself at import only if navigator.gpu exists: import it after the set-up.
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new BackendUnavailableError('webgpu', 'tfjs could not initialise its WebGPU backend on this adapter');
  return {
    name: 'webgpu',
    versions: { ...core, '@tensorflow/tfjs-backend-webgpu': versionOf('@tensorflow/tfjs-backend-webgpu'), webgpu: versionOf('webgpu') },
    threads: null,
  };
}
