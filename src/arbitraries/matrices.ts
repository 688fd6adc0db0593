import fc from 'fast-check';
import { checkInteger, checkOrdered } from './constraints.js';

/** Constraints of {@link float32Matrix}. */
export interface Float32MatrixConstraints {
  readonly minRows?: number;
  readonly maxRows?: number;
  readonly minCols?: number;
  readonly maxCols?: number;
  /** Entries lie in [−maxAbs, maxAbs] (default 1e6; must be a float32). */
  readonly maxAbs?: number;
  /** Allow NaN and ±Infinity (default false: every entry finite). */
  readonly nonFinite?: boolean;
}

/** A row-major float32 matrix with its shape. */
export interface Float32Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array; // (rows, cols)
}

/**
 * Float32 matrices with a shape in the given ranges and, by default, only finite entries in
 * [−maxAbs, maxAbs] (subnormals and −0 included: they are float32 values too).
 *
 * @example
 * fc.sample(float32Matrix({ minRows: 2, maxRows: 2, minCols: 3, maxCols: 3 }), 1)[0].data.length; // 6
 */
export function float32Matrix(constraints: Float32MatrixConstraints = {}): fc.Arbitrary<Float32Matrix> {
  const { minRows = 1, maxRows = 6, minCols = 1, maxCols = 6, maxAbs = 1e6, nonFinite = false } = constraints;
  const where = 'float32Matrix';
  checkInteger(where, 'minRows', minRows, 1);
  checkOrdered(where, ['minRows', minRows], ['maxRows', maxRows]);
  checkInteger(where, 'minCols', minCols, 1);
  checkOrdered(where, ['minCols', minCols], ['maxCols', maxCols]);
  const bound = Math.fround(maxAbs);
  return fc
    .record({ rows: fc.integer({ min: minRows, max: maxRows }), cols: fc.integer({ min: minCols, max: maxCols }) })
    .chain(({ rows, cols }) =>
      fc
        .float32Array({ minLength: rows * cols, maxLength: rows * cols, noNaN: !nonFinite, noDefaultInfinity: !nonFinite, ...(nonFinite ? {} : { min: -bound, max: bound }) })
        .map((data) => ({ rows, cols, data })),
    );
}
