/**
 * Image sources (MNIST, CIFAR-10) as raw bytes, loaded once per process and, for worker threads,
 * once per pool: {@link shareDataset} copies a source's splits into SharedArrayBuffers, and a worker
 * that receives the handle calls {@link attachSharedSource}, after which every {@link loadDataset}
 * of that source in the worker reads the shared bytes — no file is read, no split is converted,
 * only the run's subset is copied out (and preprocessed). Before this, every worker read and
 * converted all of MNIST to float32 (188 MB) for every run.
 */
import { InputError } from '../errors.js';
import { readCifar10 } from './cifar.js';
import { loadMnist } from './mnist.js';

/** One split as bytes: pixels 0 … 255, row-major (n, h·w·c), NHWC; labels 0 … 9. */
export interface RawSplit {
  readonly n: number;
  readonly shape: readonly [number, number, number];
  readonly pixels: Uint8Array; // (n, h·w·c)
  readonly labels: Uint8Array; // (n)
}

/** The image sources that can be shared. */
export type ImageSourceId = 'mnist' | 'cifar10';

/** A source's two splits as bytes, and the moments the training view needs. */
export interface RawSource {
  readonly source: ImageSourceId;
  /** CIFAR-10's directory (null for MNIST) */
  readonly dataDir: string | null;
  readonly train: RawSplit;
  readonly test: RawSplit;
  /** mean and deviation of the training split's pixels on [0, 1] (MNIST's standardization) */
  readonly moments: { mean: number; std: number };
}

/** A {@link RawSource} whose arrays live in SharedArrayBuffers: it crosses to worker threads without a copy. */
export interface SharedSource extends RawSource {
  readonly kind: 'rethink-shared-source';
}

const cache = new Map<string, RawSource>();

const keyOf = (source: ImageSourceId, dataDir: string | null): string => `${source}\u0000${dataDir ?? ''}`;

/** Mean and deviation of bytes / 255. */
function momentsOf(pixels: Uint8Array): { mean: number; std: number } {
  const counts = new Float64Array(256);
  for (let t = 0; t < pixels.length; t++) counts[pixels[t] as number]!++;
  let sum = 0;
  let sq = 0;
  for (let v = 0; v < 256; v++) {
    const x = v / 255;
    sum += (counts[v] as number) * x;
    sq += (counts[v] as number) * x * x;
  }
  const mean = sum / pixels.length;
  return { mean, std: Math.sqrt(sq / pixels.length - mean * mean) };
}

function load(source: ImageSourceId, dataDir: string | null): RawSource {
  if (source === 'mnist') {
    const split = (s: 'train' | 'test'): RawSplit => {
      const raw = loadMnist(s);
      return { n: raw.n, shape: [28, 28, 1], pixels: raw.images, labels: raw.labels };
    };
    const train = split('train');
    return { source, dataDir: null, train, test: split('test'), moments: momentsOf(train.pixels) };
  }
  if (dataDir === null) throw new InputError('cifar10: no directory given; pass --data-dir DIR with data_batch_1..5.bin and test_batch.bin (the CIFAR-10 binary version)');
  const split = (s: 'train' | 'test'): RawSplit => {
    const set = readCifar10(dataDir, s, { crop: true, raw: true }); // 0 … 255 in float32, exact in bytes
    return { n: set.n, shape: set.shape, pixels: Uint8Array.from(set.images), labels: set.labels };
  };
  const train = split('train');
  return { source, dataDir, train, test: split('test'), moments: momentsOf(train.pixels) };
}

/**
 * The source's bytes: the shared copy attached in this thread, else loaded (and kept for the process).
 *
 * @throws InputError for a missing or damaged CIFAR-10 directory (named)
 * @example
 * rawSource('mnist').train.n; // 60000
 */
export function rawSource(source: ImageSourceId, dataDir: string | null = null): RawSource {
  const key = keyOf(source, source === 'mnist' ? null : dataDir);
  let raw = cache.get(key);
  if (raw === undefined) {
    raw = load(source, source === 'mnist' ? null : dataDir);
    cache.set(key, raw);
  }
  return raw;
}

function sharedCopy(bytes: Uint8Array): Uint8Array {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const out = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  out.set(bytes);
  return out;
}

/**
 * Loads a source once and puts its bytes in shared memory (MNIST: 55 MB; CIFAR-10 cropped: 137 MB),
 * attached in this thread too. Pass the handle to worker jobs; each calls {@link attachSharedSource}.
 *
 * @param source 'mnist' or 'cifar10'
 * @param dataDir CIFAR-10's directory
 * @throws InputError for a missing or damaged CIFAR-10 directory — before any run starts
 * @example
 * const shared = shareDataset('mnist');
 * await pool.run({ module: 'training/jobs.js', export: 'fitJob', args: { config, data: [shared] } });
 */
export function shareDataset(source: ImageSourceId, dataDir: string | null = null): SharedSource {
  const raw = rawSource(source, dataDir);
  if ((raw as Partial<SharedSource>).kind === 'rethink-shared-source') return raw as SharedSource;
  const split = (s: RawSplit): RawSplit => ({ n: s.n, shape: s.shape, pixels: sharedCopy(s.pixels), labels: sharedCopy(s.labels) });
  const shared: SharedSource = { kind: 'rethink-shared-source', source: raw.source, dataDir: raw.dataDir, train: split(raw.train), test: split(raw.test), moments: raw.moments };
  cache.set(keyOf(shared.source, shared.dataDir), shared);
  return shared;
}

/**
 * Makes a shared source the one this thread's {@link loadDataset} reads (idempotent).
 *
 * @example
 * attachSharedSource(job.data[0]); // in a worker: MNIST is not read from disk again
 */
export function attachSharedSource(shared: SharedSource): void {
  if (shared?.kind !== 'rethink-shared-source') throw new Error('attachSharedSource: not a shared source (made by shareDataset)');
  const key = keyOf(shared.source, shared.dataDir);
  // Every job posts the handle again, and a posted message arrives as new objects over the same
  // shared memory: the entry already attached stays, so that what is cached per source array
  // (dataset.ts: a split's float copy and images) is found again by the next job.
  if ((cache.get(key) as Partial<SharedSource> | undefined)?.kind === 'rethink-shared-source') return;
  cache.set(key, shared);
}

/** Whether this thread reads the source from shared memory (for tests and the bench). */
export function isShared(source: ImageSourceId, dataDir: string | null = null): boolean {
  return (cache.get(keyOf(source, source === 'mnist' ? null : dataDir)) as Partial<SharedSource> | undefined)?.kind === 'rethink-shared-source';
}
