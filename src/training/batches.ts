/**
 * Batch order and assembly, on typed arrays. The order of epoch e is a permutation drawn from the
 * stream `batches/e` of the run's seed — a pure function of (seed, e), so a resumed run sees the
 * same batches as an uninterrupted one (and the unseeded global generator is never involved).
 */
import { Rng } from '../random/rng.js';
import { permutation } from '../randomization/registry.js';
import type { ImageSet } from '../data/images.js';

/** The example order of epoch `epoch` (0-based). */
export function epochOrder(n: number, seed: number, epoch: number): Int32Array {
  return permutation(n, new Rng(seed).fork(`batches/${epoch}`));
}

/** Number of steps per epoch: ⌈n / batchSize⌉ (the last batch may be smaller). */
export function stepsPerEpoch(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

/**
 * Copies the images `order[from … to)` into `out` (B, h, w, c) and their labels into `labels`.
 * With `shift` (random-crop augmentation), image r is translated by (dy, dx) = shift(r), the
 * uncovered border filled with zeros — the same as padding by the maximum shift and cropping back.
 */
export function gatherBatch(
  set: ImageSet,
  order: Int32Array,
  from: number,
  to: number,
  out: Float32Array,
  labels: Int32Array,
  shift?: (r: number) => [number, number],
): void {
  const [h, w, c] = set.shape;
  const size = h * w * c;
  for (let r = 0; r < to - from; r++) {
    const i = order[from + r] as number;
    labels[r] = set.labels[i] as number;
    const src = set.images.subarray(i * size, (i + 1) * size);
    const dst = out.subarray(r * size, (r + 1) * size);
    if (shift === undefined) {
      dst.set(src);
      continue;
    }
    const [dy, dx] = shift(r);
    dst.fill(0);
    for (let y = Math.max(0, -dy); y < Math.min(h, h - dy); y++) {
      const sy = y + dy;
      const x0 = Math.max(0, -dx);
      const x1 = Math.min(w, w - dx);
      if (x1 > x0) dst.set(src.subarray((sy * w + x0 + dx) * c, (sy * w + x1 + dx) * c), (y * w + x0) * c);
    }
  }
}

/** Seeded random-crop shifts for one epoch: each image moves by up to `pad` pixels in each direction. */
export function cropShifts(seed: number, epoch: number, pad: number): (r: number) => [number, number] {
  const rng = new Rng(seed).fork(`augment/${epoch}`);
  return () => [rng.int(2 * pad + 1) - pad, rng.int(2 * pad + 1) - pad];
}
