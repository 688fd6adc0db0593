/**
 * Both cores inside one run: `@tensorflow/tfjs-backend-wasm`'s threaded SIMD build (XNNPACK on a
 * pthreadpool of Emscripten pthreads) made to start in Node.
 *
 * tfjs 4.22 turns multithreading off in Node (flag `WASM_HAS_MULTITHREAD_SUPPORT` is false when
 * `IS_NODE`, tensorflow/tfjs#3830). The Emscripten module itself supports Node (its pthreads are
 * `worker_threads`); what stops it is how tfjs hands it its files, and one cap:
 * 1. The pthread worker script is given as a `blob:` URL, which `worker_threads.Worker` cannot load.
 *    We write the script (the package's own `wasmWorkerContents`) to a file in this user's private
 *    temporary directory (0700, checked), named by its SHA-256 and checked byte for byte when reused,
 *    and answer `URL.createObjectURL` with that file's path while the backend starts.
 * 2. Each worker receives the main script as a Blob and loads it through another `blob:` URL, which
 *    its `importScripts` (a `readFileSync`) cannot read. In the written script that one branch is
 *    replaced by loading the package's `wasm-out/tfjs-backend-wasm-threaded-simd.js` from disk (the
 *    same build; the text replaced is checked, and a different tfjs falls back to one thread).
 * 3. `init_with_threads_count` caps the pool at `emscripten_num_logical_cores() / 2` (it assumes two
 *    hyper-threads per core), which is `os.cpus().length / 2` in Node: 1 on a 2-core machine. While
 *    the module is instantiated, `os.cpus()` reports twice the threads asked for, so the cap is the
 *    requested count.
 * 4. Emscripten `ref()`s a Node worker while it runs a pthread, and XNNPACK's pool threads never
 *    exit, so the process would not end by itself: the workers are `unref()`ed after start.
 * The build pre-creates 8 pthread workers (its PTHREAD_POOL_SIZE) whatever the thread count, so a
 * threaded engine costs 8 small Node isolates (about 10 MB each) per process or pool worker.
 * `src/engine/wasm-parallel.ts` adds one more thread for the project's JavaScript kernels.
 *
 * Determinism: XNNPACK splits an operator's *output* into tiles and each tile is computed by one
 * thread with the same reduction order, so results do not depend on the thread count (tested: the
 * same seed gives the same losses bit for bit with 1 and 2 threads).
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os, { availableParallelism, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { InputError } from '../errors.js';

const require = createRequire(import.meta.url);

/** Most threads the package's build pre-creates workers for (its PTHREAD_POOL_SIZE and max_num_threads). */
export const MAX_WASM_THREADS = 8;

/** Environment variable that sets the wasm thread count (what `--threads` sets for a whole run, workers included). */
export const THREADS_ENV = 'RETHINK_WASM_THREADS';

/** The text of the worker script that loads the main script from a Blob (tfjs-backend-wasm 4.22). */
const BLOB_BRANCH =
  'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';

/**
 * Parses a thread count (from `--threads` or {@link THREADS_ENV}).
 *
 * @throws InputError naming the value and the valid range
 */
export function parseThreads(value: string, source: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    throw new InputError(`${source} must be a whole number from 1 to ${MAX_WASM_THREADS} (threads of the wasm engine), got '${value}'`);
  }
  return n;
}

/**
 * The wasm engine's thread count when none is asked for: {@link THREADS_ENV} when set (the worker
 * pool sets it to the cores per worker), else the machine's parallelism on the main thread (capped
 * at {@link MAX_WASM_THREADS}), else 1 in a worker thread the pool did not configure.
 */
export function defaultWasmThreads(): number {
  const env = process.env[THREADS_ENV];
  if (env !== undefined && env !== '') return parseThreads(env, `${THREADS_ENV}`);
  return isMainThread ? Math.min(MAX_WASM_THREADS, Math.max(1, availableParallelism())) : 1;
}

/**
 * This user's private directory for the worker script: `<tmp>/rethink-wasm-<uid>`, mode 0700,
 * owned by this user and not a link — anything else is refused (on a shared machine another user
 * could otherwise plant the script this process runs).
 */
function privateDirectory(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  const dir = join(tmpdir(), `rethink-wasm-${uid ?? userInfo().username}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const posix = process.platform !== 'win32';
  if (!st.isDirectory() || (uid !== null && st.uid !== uid) || (posix && (st.mode & 0o077) !== 0)) {
    throw new Error(`${dir} is not a private directory of this user (owner, mode 0700, not a link)`);
  }
  return dir;
}

/**
 * Writes the pthread worker script and returns its path, or why it could not (then the engine runs
 * on one thread). The file is named by its SHA-256; an existing file is used only when its bytes are
 * the expected ones, else it is written again (atomically: a concurrent process sees all or none).
 */
function workerScript(): { path: string } | { note: string } {
  const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as { wasmWorkerContents: string };
  const mainScript = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  if (!wasmWorkerContents.includes(BLOB_BRANCH)) {
    return { note: 'this @tensorflow/tfjs-backend-wasm build is not the one the threaded start was written for (4.22): one thread' };
  }
  // tfjs escapes newlines the same way before it makes its Blob (a literal "\n" inside a string).
  const text = wasmWorkerContents.replace(/\n/g, '\\n').replace(BLOB_BRANCH, `importScripts(${JSON.stringify(mainScript)});`);
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
  let partial: string | null = null;
  try {
    const file = join(privateDirectory(), `pthread-worker-${digest}.cjs`);
    let current = false;
    try {
      current = readFileSync(file, 'utf8') === text;
    } catch {
      // not there yet
    }
    if (!current) {
      partial = `${file}.${process.pid}.${threadId}.partial`; // one start at a time per thread (backend.ts): unique
      writeFileSync(partial, text, { mode: 0o600 });
      try {
        renameSync(partial, file);
      } catch (err) {
        // Windows refuses to replace a file another process has open: fine if that one is right.
        if (readFileSync(file, 'utf8') !== text) throw err;
      }
      partial = null;
    }
    return { path: file };
  } catch (err) {
    return { note: `the wasm engine's worker script could not be written (${(err as Error).message}): one thread` };
  } finally {
    if (partial !== null) rmSync(partial, { force: true });
  }
}

/** What {@link withThreadedStart} needs of the wasm package and tfjs. */
export interface ThreadedStartDeps {
  setThreadsCount(n: number): void;
  setFlag(threaded: boolean): void;
}

/**
 * Runs `start` (which starts the wasm backend) so that it starts with `threads` threads; returns
 * what `start` returns and, when threads could not be enabled, why.
 */
export async function withThreadedStart<T>(threads: number, deps: ThreadedStartDeps, start: () => Promise<T>): Promise<{ value: T; note: string | null }> {
  deps.setThreadsCount(threads);
  if (threads <= 1) {
    deps.setFlag(false);
    return { value: await start(), note: null };
  }
  const written = workerScript();
  if ('note' in written) {
    deps.setThreadsCount(1);
    deps.setFlag(false);
    return { value: await start(), note: written.note };
  }
  const script = written.path;
  deps.setFlag(true);
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  URL.createObjectURL = (obj: Blob): string =>
    obj instanceof Blob && obj.type === 'application/javascript' ? script : createObjectURL(obj);
  const cores = cpus();
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cores[i % Math.max(1, cores.length)]!);
  try {
    return { value: await start(), note: null };
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
}

/** The Emscripten pthread bookkeeping the backend's module exposes. */
interface PThreads {
  runningWorkers: { unref(): void }[];
  unusedWorkers: { unref(): void }[];
}

/** Lets the process end while XNNPACK's pool threads wait for work (see the module comment, 4). */
export function unrefPthreadWorkers(wasm: { PThread?: PThreads }): void {
  const p = wasm.PThread;
  if (p === undefined) return;
  for (const w of [...p.runningWorkers, ...p.unusedWorkers]) w.unref();
}
