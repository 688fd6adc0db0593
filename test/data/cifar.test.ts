/** The CIFAR-10 binary reader on small files in the real format, written by the test. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CIFAR_RECORD_BYTES, CIFAR_TRAIN_FILES, readCifar10 } from '../../src/data/cifar.js';
import { Rng } from '../../src/random/rng.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Writes `records` records per file: label = (file + record) mod 10, pixel(c, i, j) from a seeded stream. */
function writeCifar(records: number, seed = 1): { dir: string; bytes: Map<string, Uint8Array> } {
  const dir = mkdtempSync(join(tmpdir(), 'rethink-cifar-'));
  dirs.push(dir);
  const rng = new Rng(seed);
  const bytes = new Map<string, Uint8Array>();
  [...CIFAR_TRAIN_FILES, 'test_batch.bin'].forEach((f, fi) => {
    const b = new Uint8Array(records * CIFAR_RECORD_BYTES);
    for (let r = 0; r < records; r++) {
      b[r * CIFAR_RECORD_BYTES] = (fi + r) % 10;
      for (let k = 1; k < CIFAR_RECORD_BYTES; k++) b[r * CIFAR_RECORD_BYTES + k] = rng.int(256);
    }
    writeFileSync(join(dir, f), b);
    bytes.set(f, b);
  });
  return { dir, bytes };
}

describe('CIFAR-10 reader', () => {
  it('reads all five training files in order, channel-major records to NHWC, pixels / 255', () => {
    const { dir, bytes } = writeCifar(3);
    const set = readCifar10(dir, 'train', { crop: false, whiten: false });
    expect(set.n).toBe(15);
    expect(set.shape).toEqual([32, 32, 3]);
    expect(Array.from(set.labels)).toEqual([0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 5, 4, 5, 6]);
    const b = bytes.get('data_batch_2.bin')!;
    const rec = 1; // image 4 overall
    for (const [c, i, j] of [[0, 0, 0], [1, 5, 7], [2, 31, 31], [0, 17, 3]] as const) {
      const raw = b[rec * CIFAR_RECORD_BYTES + 1 + c * 1024 + i * 32 + j]!;
      expect(set.images[4 * 3072 + (i * 32 + j) * 3 + c]).toBeCloseTo(raw / 255, 7);
    }
  });

  it('centre-crops 32 → 28 and whitens each image to mean 0, deviation 1', () => {
    const { dir, bytes } = writeCifar(2);
    const raw = readCifar10(dir, 'test', { crop: true, whiten: false });
    expect(raw.shape).toEqual([28, 28, 3]);
    const b = bytes.get('test_batch.bin')!;
    expect(raw.images[(0 * 28 + 0) * 3 + 1]).toBeCloseTo(b[1 + 1024 + 2 * 32 + 2]! / 255, 7); // (0,0) of the crop is (2,2)
    const white = readCifar10(dir, 'test');
    for (let r = 0; r < white.n; r++) {
      const x = white.images.subarray(r * 2352, (r + 1) * 2352);
      const mean = x.reduce((s, v) => s + v, 0) / x.length;
      const sd = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(sd).toBeCloseTo(1, 4);
    }
  });

  it('names a truncated file with its size and the expected record size', () => {
    const { dir } = writeCifar(2);
    writeFileSync(join(dir, 'data_batch_3.bin'), new Uint8Array(CIFAR_RECORD_BYTES + 100));
    expect(() => readCifar10(dir, 'train')).toThrow(/data_batch_3\.bin' has 3173 bytes, not a whole number of 3073-byte records \(a full batch is 30730000 bytes\)/);
  });

  it('names a missing file and the files a split needs, and a missing directory', () => {
    const { dir } = writeCifar(1);
    rmSync(join(dir, 'data_batch_5.bin'));
    expect(() => readCifar10(dir, 'train')).toThrow(/data_batch_5\.bin' is missing; the train split needs data_batch_1\.bin/);
    expect(() => readCifar10(join(dir, 'nope'), 'test')).toThrow(/directory .*nope' does not exist; pass --data-dir/);
  });

  it('refuses a label outside 0 … 9 as a corrupt file', () => {
    const { dir, bytes } = writeCifar(2);
    const b = bytes.get('test_batch.bin')!;
    b[CIFAR_RECORD_BYTES] = 200;
    writeFileSync(join(dir, 'test_batch.bin'), b);
    expect(() => readCifar10(dir, 'test')).toThrow(/record 1 has label 200, expected 0 … 9: corrupt file/);
  });
});
