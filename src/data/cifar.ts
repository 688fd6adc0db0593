/**
 * CIFAR-10, binary version: `data_batch_1.bin` … `data_batch_5.bin` (training) and `test_batch.bin`,
 * each a sequence of records of 1 label byte and 3,072 pixel bytes (1,024 red, 1,024 green,
 * 1,024 blue, each 32×32 row-major). Nothing is downloaded: the user names the directory.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { ImageSet } from './images.js';

/** Bytes per record: 1 label + 32·32·3 pixels. */
export const CIFAR_RECORD_BYTES = 3073;
/** Records per standard batch file. */
export const CIFAR_BATCH_RECORDS = 10_000;
export const CIFAR_TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
export const CIFAR_TEST_FILES = ['test_batch.bin'];

/** The paper's preprocessing (Appendix A), both on by default. */
export interface CifarOptions {
  /** centre crop 32 → 28 (default true) */
  crop?: boolean;
  /** per-image whitening (x − μ) / max(σ, 1/√(#pixels)) (default true) */
  whiten?: boolean;
}

/**
 * Reads and checks one split. Pixels are scaled to [0, 1], optionally centre-cropped to 28×28 and
 * whitened per image, and laid out NHWC.
 *
 * @param dir directory holding the batch files
 * @param split 'train' (5 files) or 'test' (1 file)
 * @throws InputError naming a missing directory or file, a size that is not a whole number of
 *   records (with the expected size), or a label outside 0 … 9
 * @example
 * const test = readCifar10('/data/cifar-10-batches-bin', 'test'); // n 10000, shape [28, 28, 3]
 */
export function readCifar10(dir: string, split: 'train' | 'test', options: CifarOptions = {}): ImageSet {
  const crop = options.crop ?? true;
  const whiten = options.whiten ?? true;
  if (!existsSync(dir)) {
    throw new InputError(`cifar10: directory '${dir}' does not exist; pass --data-dir with the extracted cifar-10-batches-bin folder`);
  }
  if (!statSync(dir).isDirectory()) {
    throw new InputError(`cifar10: '${dir}' is a file, not a directory; pass --data-dir with the folder that holds data_batch_1.bin … test_batch.bin`);
  }
  const files = split === 'train' ? CIFAR_TRAIN_FILES : CIFAR_TEST_FILES;
  const buffers: Uint8Array[] = [];
  for (const f of files) {
    const path = join(dir, f);
    if (!existsSync(path)) {
      throw new InputError(`cifar10: '${path}' is missing; the ${split} split needs ${files.join(', ')} (CIFAR-10 binary version)`);
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputError(`cifar10: cannot read '${path}': ${code === 'EISDIR' ? 'it is a directory, not a batch file' : code === 'EACCES' ? 'permission denied' : (code ?? String(err))}`);
    }
    if (bytes.length === 0 || bytes.length % CIFAR_RECORD_BYTES !== 0) {
      throw new InputError(
        `cifar10: '${path}' has ${bytes.length} bytes, not a whole number of ${CIFAR_RECORD_BYTES}-byte records ` +
          `(a full batch is ${CIFAR_BATCH_RECORDS * CIFAR_RECORD_BYTES} bytes): the file is truncated or not CIFAR-10 binary`,
      );
    }
    buffers.push(bytes);
  }
  const n = buffers.reduce((s, b) => s + b.length / CIFAR_RECORD_BYTES, 0);
  const side = crop ? 28 : 32;
  const offset = crop ? 2 : 0;
  const size = side * side * 3;
  const images = new Float32Array(n * size); // (n, side, side, 3)
  const labels = new Uint8Array(n);
  let r = 0;
  buffers.forEach((bytes, b) => {
    for (let rec = 0; rec < bytes.length / CIFAR_RECORD_BYTES; rec++, r++) {
      const base = rec * CIFAR_RECORD_BYTES;
      const label = bytes[base] as number;
      if (label > 9) throw new InputError(`cifar10: '${join(dir, files[b] as string)}' record ${rec} has label ${label}, expected 0 … 9: corrupt file`);
      labels[r] = label;
      const out = r * size;
      for (let i = 0; i < side; i++) {
        for (let j = 0; j < side; j++) {
          for (let c = 0; c < 3; c++) {
            images[out + (i * side + j) * 3 + c] = (bytes[base + 1 + c * 1024 + (i + offset) * 32 + (j + offset)] as number) / 255;
          }
        }
      }
      if (whiten) whitenImage(images.subarray(out, out + size));
    }
  });
  return { images, labels, n, shape: [side, side, 3], classes: 10 };
}

/** Per-image whitening in place: (x − μ) / max(σ, 1/√m), m = number of values (TensorFlow's per_image_standardization). */
export function whitenImage(x: Float32Array): void {
  const m = x.length;
  let mean = 0;
  for (let i = 0; i < m; i++) mean += x[i] as number;
  mean /= m;
  let v = 0;
  for (let i = 0; i < m; i++) v += ((x[i] as number) - mean) ** 2;
  const scale = Math.max(Math.sqrt(v / m), 1 / Math.sqrt(m));
  for (let i = 0; i < m; i++) x[i] = ((x[i] as number) - mean) / scale;
}
