/**
 * Checkpoints of the blocked kernel solver: where conjugate gradients stand (α, the residual R and
 * the search direction P in float64, the per-class scalars), so that an interrupted solve resumes from
 * its last iterate and goes on exactly as it would have. K itself is not stored (14.4 GB at
 * n = 60,000): it is rebuilt, bit for bit, from the data.
 *
 * One file, `kernel-checkpoint.bin`: 8 bytes `RTHKKCP1`, a uint32 (little endian) header length L,
 * L bytes of JSON (the run's identity, the state's scalars, `payloadBytes` and the payload's
 * `sha256`), then α, R and P as float64 (little endian). It is written to a temporary name and renamed
 * into place, so a kill leaves the previous checkpoint or the new one, never half of one.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { fileError, makeDirectory } from '../training/run-store.js';
import type { Kernel } from '../kernels/gram.js';

/** What makes two solves the same problem: a checkpoint is only resumed by the run it came from. */
export interface KernelRunIdentity {
  readonly n: number;
  readonly d: number;
  /** right-hand sides (classes × label sets) */
  readonly k: number;
  readonly kernel: Kernel;
  readonly seed: number;
  /** the preconditioner's landmarks and rank (0, 0: none) */
  readonly s: number;
  readonly q: number;
  /** SHA-256 of the points (float32 bytes) and of the targets */
  readonly dataSha256: string;
  readonly labelsSha256: string;
}

/** Where the iteration stands. */
export interface KernelSolveState {
  readonly iteration: number;
  /** rᵀ M r per column */
  readonly rz: readonly number[];
  /** max relative residual after each iteration so far */
  readonly history: readonly number[];
  /** the preconditioner's fingerprint (null: none) — a rebuilt one must match to continue exactly */
  readonly preconditioner: string | null;
  readonly alpha: Float64Array; // (n, k)
  readonly R: Float64Array; // (n, k)
  readonly P: Float64Array; // (n, k)
}

const MAGIC = 'RTHKKCP1';
const FORMAT = 'rethink-kernel-checkpoint-1';
/** The checkpoint's file name inside the directory. */
export const KERNEL_CHECKPOINT_FILE = 'kernel-checkpoint.bin';

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** SHA-256 of a typed array's bytes (for {@link KernelRunIdentity}). */
export function bytesSha256(a: ArrayBufferView): string {
  return sha256(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** The identity in words, for messages: n, γ (or the degree), seed, s, q. */
function describe(id: KernelRunIdentity): string {
  const kernel = id.kernel.kind === 'gaussian' ? `γ = ${id.kernel.gamma}` : `degree ${id.kernel.degree}`;
  return `n = ${id.n}, ${kernel}, seed ${id.seed}, ${id.k} right-hand sides, landmarks ${id.s}, rank ${id.q}`;
}

/**
 * Writes the state (write-then-rename).
 *
 * @throws InputError naming the path when the directory cannot be created or written
 */
export function writeKernelCheckpoint(dir: string, identity: KernelRunIdentity, state: KernelSolveState): void {
  const nk = identity.n * identity.k;
  const payload = new Float64Array(3 * nk);
  payload.set(state.alpha, 0);
  payload.set(state.R, nk);
  payload.set(state.P, 2 * nk);
  const bytes = new Uint8Array(payload.buffer);
  const header = new TextEncoder().encode(
    JSON.stringify({ format: FORMAT, identity, iteration: state.iteration, rz: state.rz, history: state.history, preconditioner: state.preconditioner, payloadBytes: bytes.length, sha256: sha256(bytes) }),
  );
  const out = new Uint8Array(12 + header.length + bytes.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  out.set(bytes, 12 + header.length);
  const path = join(dir, KERNEL_CHECKPOINT_FILE);
  try {
    makeDirectory(dir);
    writeFileSync(`${path}.tmp`, out);
    renameSync(`${path}.tmp`, path);
  } catch (err) {
    throw fileError(err, 'write the checkpoint', path);
  }
}

/**
 * Reads the checkpoint in `dir` for a run with `identity`: null when there is none; the state when it
 * is this run's.
 *
 * @throws InputError (one line) when the file is damaged, or from another run (another n, γ, seed, …)
 */
export function readKernelCheckpoint(dir: string, identity: KernelRunIdentity): KernelSolveState | null {
  const path = join(dir, KERNEL_CHECKPOINT_FILE);
  if (!existsSync(path)) return null;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw fileError(err, 'read the checkpoint', path);
  }
  const damaged = (why: string): InputError => new InputError(`kernel: the checkpoint ${path} is damaged (${why}); delete it to start the solve over`);
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw damaged('it is not a rethink kernel checkpoint');
  const L = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + L > bytes.length) throw damaged(`truncated: the header needs ${L} bytes, ${bytes.length - 12} are there`);
  let header: { format: string; identity: KernelRunIdentity; iteration: number; rz: number[]; history: number[]; preconditioner: string | null; payloadBytes: number; sha256: string };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + L))) as typeof header;
  } catch (e) {
    throw damaged(`its header is not valid JSON: ${(e as Error).message}`);
  }
  if (header.format !== FORMAT) throw damaged(`unknown format '${String(header.format)}'`);
  const stored = header.identity;
  const same = (Object.keys(identity) as (keyof KernelRunIdentity)[]).every((key) => JSON.stringify(stored[key]) === JSON.stringify(identity[key]));
  if (!same) {
    const what = describe(stored) === describe(identity) ? 'the same sizes but other data or labels' : describe(stored);
    throw new InputError(`kernel: the checkpoint in ${dir} is from another run (${what}); this run has ${describe(identity)}: give another --checkpoint directory, or delete ${path} to start over`);
  }
  const payload = bytes.subarray(12 + L);
  if (payload.length !== header.payloadBytes) throw damaged(`truncated: ${payload.length} state bytes, the header says ${header.payloadBytes}`);
  if (sha256(payload) !== header.sha256) throw damaged('its bytes do not match the stored SHA-256');
  const nk = identity.n * identity.k;
  if (payload.length !== 3 * 8 * nk) throw damaged(`${payload.length} state bytes, expected 3·8·n·k = ${3 * 8 * nk}`);
  const values = new Float64Array(3 * nk);
  new Uint8Array(values.buffer).set(payload);
  return {
    iteration: header.iteration,
    rz: header.rz,
    history: header.history,
    preconditioner: header.preconditioner,
    alpha: values.slice(0, nk),
    R: values.slice(nk, 2 * nk),
    P: values.slice(2 * nk),
  };
}
