/**
 * Where a training run keeps what it has computed: its configuration, one metrics row per epoch,
 * checkpoints (every few seconds of training; see the trainer) and the final summary. The trainer
 * talks to a {@link RunStore}, so it runs the same against a directory ({@link DirectoryRunStore},
 * what `--out` gives) or memory ({@link MemoryRunStore}, tests and embedding), and studies can find,
 * cache and resume runs.
 *
 * A crash or a kill never damages a directory run; it loses what was trained since its last checkpoint:
 * - every file is written to a temporary name and renamed into place (a rename is atomic);
 * - a checkpoint is ONE file — header (JSON, with a SHA-256 of the tensor bytes) and tensor bytes —
 *   so meta-data and weights cannot disagree; the previous checkpoint is kept as
 *   `checkpoint.prev.bin`, and a damaged latest one falls back to it (losing more epochs, said so);
 * - `metrics.csv` is rewritten from the checkpoint's history on resume, dropping rows of an epoch
 *   that was in flight when the run stopped.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';
import type { TrainOptions } from './trainer.js';

/** One epoch of history (a partial last epoch under a step budget counts as one). */
export interface EpochRecord {
  epoch: number;
  /** total steps so far */
  steps: number;
  /** mean training loss over this epoch's steps */
  loss: number;
  /** error on a full re-evaluation of the training set (evaluation mode, or the next step's forward pass where that computes the same: trainer.ts, StepAhead): 0 means fitted */
  trainError: number;
  /** learning rate at the epoch's last step */
  lr: number;
  /** wall time of this epoch, evaluation included (with a step ahead: the next epoch's step, computed at the end of this one, counts here) */
  ms: number;
}

/** Where the trainer stands: stored with every checkpoint. */
export interface CheckpointMeta {
  epoch: number;
  steps: number;
  stepsToFit: number | null;
  history: EpochRecord[];
  /** the tensors in `data`, in order: name, shape, offset (in float32 values) */
  tensors: { name: string; shape: number[]; offset: number }[];
  /** the run that wrote it ({@link TrainOptions}.runId: a digest of the settings that define the run); absent in older checkpoints */
  run?: string;
}

/** A checkpoint: where the trainer stood and every tensor it needs (weights, velocities, BatchNorm state). */
export interface Checkpoint {
  meta: CheckpointMeta;
  data: Float32Array;
  /** set by {@link RunStore.loadCheckpoint} when the latest checkpoint was damaged and the previous one was used */
  fellBack?: string;
}

/** What a store holds. */
export interface RunState {
  /** a run was started here (any of its files exists) */
  started: boolean;
  /** 'none': no checkpoint file; 'intact': one that reads and checks out; 'damaged': only damaged ones */
  checkpoint: 'none' | 'intact' | 'damaged';
  /** the epoch of the latest intact checkpoint, or null */
  checkpointEpoch: number | null;
  /** summary.json exists: the run finished (fitted or out of budget) */
  finished: boolean;
}

/** Persistence of one training run. */
export interface RunStore {
  /** where the run lives, for messages (a directory, or 'memory') */
  readonly location: string;
  /** what the store holds now */
  state(): RunState;
  /** the stored configuration, or null when there is none; a damaged file is an InputError */
  readConfig(): Record<string, unknown> | null;
  writeConfig(config: object): void;
  /** replaces the metrics with these rows (after a resume: the checkpoint's history) */
  writeMetrics(rows: readonly EpochRecord[]): void;
  appendMetrics(row: EpochRecord): void;
  saveCheckpoint(checkpoint: Checkpoint): void;
  /** the latest intact checkpoint, or null when there is none; only damaged ones is an InputError */
  loadCheckpoint(): Checkpoint | null;
  writeSummary(summary: object): void;
  readSummary(): Record<string, unknown> | null;
  /** removes the run (for `--force`): config, metrics, checkpoints, summary; nothing else */
  clear(): void;
  /** prepares the store for writing (a directory store creates its directory) */
  ensure(): void;
}

const CSV_HEADER = 'epoch,steps,loss,train_error,lr,ms\n';

function csvRow(r: EpochRecord): string {
  return `${r.epoch},${r.steps},${r.loss},${r.trainError},${r.lr},${r.ms}\n`;
}

/** The bytes of a checkpoint file: magic, header length, JSON header (with the payload's SHA-256), float32 payload. */
const MAGIC = 'RTHKCKP2';

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Serializes a checkpoint as one buffer. Format `rethink-checkpoint-2`: 8 bytes `RTHKCKP2`, a
 * uint32 (little endian) header length L, L bytes of JSON {@link CheckpointMeta} plus `payloadBytes`
 * and `sha256`, then the float32 values (little endian).
 */
export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const payload = new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength);
  const header = new TextEncoder().encode(JSON.stringify({ format: 'rethink-checkpoint-2', ...c.meta, payloadBytes: payload.length, sha256: sha256(payload) }));
  const out = new Uint8Array(12 + header.length + payload.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  out.set(payload, 12 + header.length);
  return out;
}

/** Reads {@link encodeCheckpoint}'s format; throws an Error saying what is wrong (truncated, checksum, …). */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new Error(bytes.length === 0 ? 'the file is empty' : 'it is not a rethink checkpoint (or was written by an older version)');
  }
  const L = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + L > bytes.length) throw new Error(`truncated: the header needs ${L} bytes, ${bytes.length - 12} are there`);
  let header: CheckpointMeta & { format: string; payloadBytes: number; sha256: string };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + L))) as typeof header;
  } catch (e) {
    throw new Error(`its header is not valid JSON (${(e as Error).message})`);
  }
  if (header.format !== 'rethink-checkpoint-2') throw new Error(`unknown format '${String(header.format)}'`);
  const payload = bytes.subarray(12 + L);
  if (payload.length !== header.payloadBytes) throw new Error(`truncated: ${payload.length} tensor bytes, the header says ${header.payloadBytes}`);
  if (sha256(payload) !== header.sha256) throw new Error('its tensor bytes do not match the stored SHA-256 (the file was modified or damaged)');
  const data = new Float32Array(payload.length / 4);
  new Uint8Array(data.buffer).set(payload);
  const { format: _f, payloadBytes: _p, sha256: _s, ...meta } = header;
  return { meta, data };
}

/** Writes `bytes` to `path` through a temporary file and a rename, so a kill leaves the old file or the new one. */
function writeAtomic(path: string, bytes: Uint8Array | string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** Turns a file-system error into one line naming the path, what went wrong and (for the usual causes) the fix. */
export function fileError(err: unknown, action: string, path: string): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a part of the path is a file, not a directory',
    EEXIST: 'a file of that name is in the way',
    EISDIR: 'it is a directory, not a file',
    ENOENT: 'no such file or directory',
    ENOSPC: 'the disk is full',
  };
  const reading = action.startsWith('read');
  const fix: Record<string, string> = {
    EACCES: reading ? 'give yourself read access to it' : 'choose a place you can write to (another --out), or change its permissions',
    EPERM: reading ? 'give yourself read access to it' : 'choose a place you can write to (another --out), or change its permissions',
    EROFS: 'choose a place on a writable file system (another --out)',
    ENOTDIR: 'choose another path',
    EEXIST: 'move that file away, or choose another path',
    EISDIR: 'name a file, not a directory',
    ENOENT: reading ? 'check the path' : 'create the directory it goes in, or choose another path',
    ENOSPC: 'free some space, or choose another disk',
  };
  const known = code !== undefined && why[code] !== undefined;
  return new InputError(`cannot ${action} ${path}: ${code !== undefined ? (why[code] ?? code) : String(err)}${known ? `; ${fix[code]}` : ''}`);
}

/**
 * `mkdir -p`, one level at a time. (Node's own recursive mkdir loops forever on some paths, e.g.
 * under /proc, where mkdir answers ENOENT although the parent exists.)
 *
 * @throws the first error other than "exists already"
 */
export function makeDirectory(path: string): void {
  const absolute = resolve(path);
  const parts = absolute.split(sep).filter((p) => p !== '');
  let current = absolute.startsWith(sep) ? sep : '';
  for (const part of parts) {
    current = join(current, part);
    try {
      mkdirSync(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!statSync(current).isDirectory()) throw Object.assign(new Error(`${current} is a file`), { code: 'ENOTDIR' });
    }
  }
}

/** The files of a run in its directory: {@link RunStore.clear} removes these (and their temporary copies), nothing else. */
export const RUN_FILES: readonly string[] = ['config.json', 'metrics.csv', 'checkpoint.bin', 'checkpoint.prev.bin', 'summary.json'];

/**
 * A run in a directory: `config.json`, `metrics.csv`, `checkpoint.bin` (+ `checkpoint.prev.bin`),
 * `summary.json`.
 *
 * @example
 * const store = new DirectoryRunStore('runs/a');
 * store.state(); // { started: false, checkpointEpoch: null, finished: false }
 */
export class DirectoryRunStore implements RunStore {
  constructor(readonly location: string) {}

  private path(name: string): string {
    return join(this.location, name);
  }

  /** Creates the directory (refusing a file in the way, with a clear message). */
  ensure(): void {
    if (existsSync(this.location) && !statSync(this.location).isDirectory()) {
      throw new InputError(`--out ${this.location} is a file, not a directory; choose another --out`);
    }
    try {
      makeDirectory(this.location);
    } catch (err) {
      throw fileError(err, 'create the run directory', this.location);
    }
  }

  private write(name: string, bytes: Uint8Array | string): void {
    try {
      writeAtomic(this.path(name), bytes);
    } catch (err) {
      throw fileError(err, 'write', this.path(name));
    }
  }

  state(): RunState {
    if (!existsSync(this.location)) return { started: false, checkpoint: 'none', checkpointEpoch: null, finished: false };
    if (!statSync(this.location).isDirectory()) throw new InputError(`--out ${this.location} is a file, not a directory; choose another --out`);
    let checkpoint: RunState['checkpoint'] = 'none';
    let checkpointEpoch: number | null = null;
    for (const name of ['checkpoint.bin', 'checkpoint.prev.bin']) {
      if (!existsSync(this.path(name))) continue;
      try {
        checkpointEpoch = decodeCheckpoint(new Uint8Array(readFileSync(this.path(name)))).meta.epoch;
        checkpoint = 'intact';
        break;
      } catch {
        checkpoint = 'damaged'; // loadCheckpoint says how
      }
    }
    return { started: RUN_FILES.some((f) => existsSync(this.path(f))), checkpoint, checkpointEpoch, finished: existsSync(this.path('summary.json')) };
  }

  private readJson(name: string): Record<string, unknown> | null {
    const path = this.path(name);
    if (!existsSync(path)) return null;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw fileError(err, 'read', path);
    }
    try {
      const v = JSON.parse(text) as unknown;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
      return v as Record<string, unknown>;
    } catch (e) {
      throw new InputError(`${path} is damaged (${(e as Error).message}); restore it, or start the run over with --force`);
    }
  }

  readConfig(): Record<string, unknown> | null {
    return this.readJson('config.json');
  }

  writeConfig(config: object): void {
    this.ensure();
    this.write('config.json', JSON.stringify(config, null, 2) + '\n');
  }

  writeMetrics(rows: readonly EpochRecord[]): void {
    this.write('metrics.csv', CSV_HEADER + rows.map(csvRow).join(''));
  }

  appendMetrics(row: EpochRecord): void {
    try {
      appendFileSync(this.path('metrics.csv'), csvRow(row));
    } catch (err) {
      throw fileError(err, 'append to', this.path('metrics.csv'));
    }
  }

  saveCheckpoint(checkpoint: Checkpoint): void {
    const bytes = encodeCheckpoint(checkpoint);
    const latest = this.path('checkpoint.bin');
    try {
      writeFileSync(`${latest}.tmp`, bytes);
      // The previous checkpoint becomes checkpoint.prev.bin; a kill between the two renames leaves
      // it there and the new one in checkpoint.bin.tmp: loadCheckpoint then uses the previous one.
      if (existsSync(latest)) renameSync(latest, this.path('checkpoint.prev.bin'));
      renameSync(`${latest}.tmp`, latest);
    } catch (err) {
      throw fileError(err, 'write the checkpoint', latest);
    }
  }

  loadCheckpoint(): Checkpoint | null {
    const problems: string[] = [];
    for (const name of ['checkpoint.bin', 'checkpoint.prev.bin']) {
      const path = this.path(name);
      if (!existsSync(path)) continue;
      try {
        const c = decodeCheckpoint(new Uint8Array(readFileSync(path)));
        if (problems.length > 0) c.fellBack = `${problems.join('; ')}; continuing from ${name} (epoch ${c.meta.epoch})`;
        return c;
      } catch (e) {
        problems.push(`${path} is damaged: ${(e as Error).message}`);
      }
    }
    if (problems.length > 0) throw new InputError(`${problems.join('; ')}; the run cannot continue from it: start it over with --force`);
    return null;
  }

  writeSummary(summary: object): void {
    this.write('summary.json', JSON.stringify(summary, null, 2) + '\n');
  }

  readSummary(): Record<string, unknown> | null {
    return this.readJson('summary.json');
  }

  clear(): void {
    for (const f of [...RUN_FILES, 'checkpoint.bin.tmp', 'config.json.tmp', 'metrics.csv.tmp', 'summary.json.tmp']) {
      try {
        rmSync(this.path(f), { force: true });
      } catch (err) {
        throw fileError(err, 'remove', this.path(f));
      }
    }
  }
}

/**
 * A run kept in memory (tests, embedding): the same contract as {@link DirectoryRunStore}.
 *
 * @example
 * const store = new MemoryRunStore();
 * await train(model, data, options, store, false);
 * store.metrics.length; // epochs run
 */
export class MemoryRunStore implements RunStore {
  readonly location = 'memory';
  config: Record<string, unknown> | null = null;
  metrics: EpochRecord[] = [];
  checkpoints: Checkpoint[] = [];
  summary: Record<string, unknown> | null = null;

  state(): RunState {
    const last = this.checkpoints.at(-1);
    return {
      started: this.config !== null || this.metrics.length > 0 || last !== undefined || this.summary !== null,
      checkpoint: last === undefined ? 'none' : 'intact',
      checkpointEpoch: last?.meta.epoch ?? null,
      finished: this.summary !== null,
    };
  }
  readConfig(): Record<string, unknown> | null {
    return this.config;
  }
  writeConfig(config: object): void {
    this.config = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  }
  writeMetrics(rows: readonly EpochRecord[]): void {
    this.metrics = [...rows];
  }
  appendMetrics(row: EpochRecord): void {
    this.metrics.push(row);
  }
  saveCheckpoint(checkpoint: Checkpoint): void {
    this.checkpoints.push({ meta: structuredClone(checkpoint.meta), data: checkpoint.data.slice() });
  }
  loadCheckpoint(): Checkpoint | null {
    const last = this.checkpoints.at(-1);
    return last === undefined ? null : { meta: structuredClone(last.meta), data: last.data.slice() };
  }
  writeSummary(summary: object): void {
    this.summary = JSON.parse(JSON.stringify(summary)) as Record<string, unknown>;
  }
  readSummary(): Record<string, unknown> | null {
    return this.summary;
  }
  ensure(): void {}
  clear(): void {
    this.config = null;
    this.metrics = [];
    this.checkpoints = [];
    this.summary = null;
  }
}
