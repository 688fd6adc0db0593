import fc from 'fast-check';
import { InputError } from '../errors.js';
import { checkInteger, checkOrdered, checkPositive } from './constraints.js';

/** Constraints of {@link pointsWithMinGap}. */
export interface MinGapConstraints {
  /** Fewest points (default 1). */
  readonly minN?: number;
  /** Most points (default 10). */
  readonly maxN?: number;
  /** Dimension (default 1). */
  readonly d?: number;
  /** Every two points are at least this far apart, in every norm ≥ ℓ∞ (default 1). */
  readonly minGap?: number;
  /** Every coordinate lies in [−maxAbs, maxAbs] (default 10). */
  readonly maxAbs?: number;
}

/**
 * n distinct points in [−maxAbs, maxAbs]^d, every two of them at least `minGap` apart: points of
 * the lattice minGap·ℤ^d (distinct lattice points differ by a whole step in some coordinate).
 *
 * @param constraints - n range, dimension, gap, box (validated: the box must hold minN lattice points)
 * @returns points as rows, (n, d)
 * @example
 * fc.sample(pointsWithMinGap({ minN: 3, maxN: 3, d: 2, minGap: 0.5, maxAbs: 2 }), 1); // [[[0.5, -1], [0, 0], [2, 1.5]]]
 */
export function pointsWithMinGap(constraints: MinGapConstraints = {}): fc.Arbitrary<number[][]> {
  const { minN = 1, maxN = 10, d = 1, minGap = 1, maxAbs = 10 } = constraints;
  const where = 'pointsWithMinGap';
  checkInteger(where, 'minN', minN, 1);
  checkInteger(where, 'maxN', maxN, 1);
  checkOrdered(where, ['minN', minN], ['maxN', maxN]);
  checkInteger(where, 'd', d, 1);
  checkPositive(where, 'minGap', minGap);
  checkPositive(where, 'maxAbs', maxAbs);
  const K = Math.floor(maxAbs / minGap);
  const capacity = (2 * K + 1) ** d;
  if (capacity < minN) {
    throw new InputError(`${where}: only ${capacity} points of the lattice ${minGap}·ℤ^${d} fit in [−${maxAbs}, ${maxAbs}]^${d}, fewer than minN = ${minN}; raise maxAbs or lower minGap`);
  }
  return fc
    .uniqueArray(fc.array(fc.integer({ min: -K, max: K }), { minLength: d, maxLength: d }), {
      minLength: minN,
      maxLength: Math.min(maxN, capacity),
      selector: (row) => row.join(','),
    })
    .map((rows) => rows.map((row) => row.map((v) => (v === 0 ? 0 : v * minGap))));
}

/** Constraints of {@link gappedLine}. */
export interface GappedLineConstraints {
  /** Fewest points (default 2). */
  readonly minN?: number;
  /** Most points (default 10). */
  readonly maxN?: number;
  /** Smallest gap between neighbours (default 2^−20). */
  readonly minGap?: number;
  /** Largest gap between neighbours (default 1). */
  readonly maxGap?: number;
  /** The first point lies in [0, maxOffset] (default 1000). */
  readonly maxOffset?: number;
}

/**
 * Increasing points on a line, x_1 < … < x_n, whose consecutive gaps range over many scales: each
 * gap is minGap·(maxGap/minGap)^u for u on a grid of 64 steps in [0, 1] (log-uniform), and the
 * line starts at an integer offset in [0, maxOffset]. Small gaps at large offsets are where float32
 * and float64 part ways.
 *
 * @example
 * fc.sample(gappedLine({ minN: 3, maxN: 3 }), 1); // [[512, 512.0000153, 512.25]]
 */
export function gappedLine(constraints: GappedLineConstraints = {}): fc.Arbitrary<number[]> {
  const { minN = 2, maxN = 10, minGap = 2 ** -20, maxGap = 1, maxOffset = 1000 } = constraints;
  const where = 'gappedLine';
  checkInteger(where, 'minN', minN, 1);
  checkInteger(where, 'maxN', maxN, 1);
  checkOrdered(where, ['minN', minN], ['maxN', maxN]);
  checkPositive(where, 'minGap', minGap);
  checkPositive(where, 'maxGap', maxGap);
  checkOrdered(where, ['minGap', minGap], ['maxGap', maxGap]);
  checkInteger(where, 'maxOffset', maxOffset, 0);
  const steps = 64;
  return fc
    .record({
      offset: fc.integer({ min: 0, max: maxOffset }),
      gaps: fc.array(fc.integer({ min: 0, max: steps }), { minLength: minN - 1, maxLength: maxN - 1 }),
    })
    .map(({ offset, gaps }) => {
      const xs = [offset];
      for (const g of gaps) {
        const gap = minGap * (maxGap / minGap) ** (g / steps);
        const next = (xs[xs.length - 1] as number) + gap;
        // a gap below the float64 spacing at this offset is no gap at all: step to the next float
        xs.push(next > (xs[xs.length - 1] as number) ? next : nextUp(xs[xs.length - 1] as number));
      }
      return xs;
    });
}

function nextUp(x: number): number {
  const buf = new Float64Array([x]);
  const bits = new BigInt64Array(buf.buffer);
  bits[0] = (bits[0] as bigint) + (x >= 0 ? 1n : -1n);
  return buf[0] as number;
}

/** Constraints of {@link integerGrid}. */
export interface IntegerGridConstraints {
  readonly minN?: number;
  readonly maxN?: number;
  /** Dimension (default 2). */
  readonly d?: number;
  /** Coordinates lie in [−M, M] (default 5). */
  readonly M?: number;
}

/**
 * Distinct points of the integer grid {−M, …, M}^d: exact inputs for exact arithmetic.
 *
 * @example
 * fc.sample(integerGrid({ minN: 2, maxN: 2, d: 2, M: 1 }), 1); // [[[1, 0], [-1, -1]]]
 */
export function integerGrid(constraints: IntegerGridConstraints = {}): fc.Arbitrary<number[][]> {
  const { minN = 1, maxN = 10, d = 2, M = 5 } = constraints;
  checkInteger('integerGrid', 'M', M, 0);
  return pointsWithMinGap({ minN, maxN, d, minGap: 1, maxAbs: M });
}

/**
 * 1-D integer points in [−20, 20], 1 ≤ n ≤ maxN: distinct, or with repeats allowed when `repeats`.
 *
 * @example
 * fc.sample(linePoints(4), 1); // [[3, -7, 0]]
 */
export function linePoints(maxN = 10, repeats = false): fc.Arbitrary<number[]> {
  const pt = fc.integer({ min: -20, max: 20 });
  return repeats ? fc.array(pt, { minLength: 1, maxLength: maxN }) : fc.uniqueArray(pt, { minLength: 1, maxLength: maxN });
}
