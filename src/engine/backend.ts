/**
 * Backend selection for training. `auto` takes the native TensorFlow backend when
 * `@tensorflow/tfjs-node` (or `-gpu`) loads, else wasm (with the project's kernels), which needs
 * nothing but this package. The backend in use is returned and stored with every result.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { InputError } from '../errors.js';
import { registerWasmKernels } from './wasm-kernels.js';

/** Backends a user can ask for. */
export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'webgpu', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** What a started backend reports about itself. */
export interface BackendInfo {
  /** the tfjs backend name in use: 'tensorflow' | 'wasm' | 'webgpu' | 'cpu' */
  name: Exclude<BackendName, 'auto'>;
  /** package versions behind it, stored in summary.json */
  versions: Record<string, string>;
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
 * @returns the backend in use and the versions behind it
 * @throws BackendUnavailableError naming the reason and the backends that work
 * @example
 * const { name } = await startBackend('auto'); // 'wasm' here, 'tensorflow' where tfjs-node installs
 */
export async function startBackend(name: BackendName): Promise<BackendInfo> {
  if (!(BACKENDS as readonly string[]).includes(name)) {
    throw new InputError(`unknown backend '${String(name)}': valid backends are ${BACKENDS.join(', ')}`);
  }
  const core = { '@tensorflow/tfjs': versionOf('@tensorflow/tfjs') };
  if (name === 'auto') {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      if ((await tryImport(pkg)) === null && (await tf.setBackend('tensorflow'))) {
        return { name: 'tensorflow', versions: { ...core, [pkg]: versionOf(pkg) } };
      }
    }
    return startBackend('wasm');
  }
  if (name === 'tensorflow') {
    let why = '';
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      const err = await tryImport(pkg);
      if (err === null && (await tf.setBackend('tensorflow'))) return { name, versions: { ...core, [pkg]: versionOf(pkg) } };
      why = err ?? 'setBackend failed';
    }
    throw new BackendUnavailableError(name, `@tensorflow/tfjs-node is not installed or its native library did not load (${why})`);
  }
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmKernels();
    if (!(await tf.setBackend('wasm'))) throw new BackendUnavailableError(name, 'the WebAssembly module failed to initialise');
    return { name, versions: { ...core, '@tensorflow/tfjs-backend-wasm': versionOf('@tensorflow/tfjs-backend-wasm') } };
  }
  if (name === 'cpu') {
    await tf.setBackend('cpu');
    return { name, versions: core }; // the cpu backend ships inside @tensorflow/tfjs
  }
  // webgpu: Dawn through the `webgpu` package, then tfjs's WebGPU backend.
  const dawnErr = await tryImport('webgpu');
  if (dawnErr !== null) {
    throw new BackendUnavailableError(name, `the packages 'webgpu' and '@tensorflow/tfjs-backend-webgpu' are not installed (${dawnErr})`);
  }
  throw new BackendUnavailableError(name, 'the webgpu backend is not wired up in this version');
}
