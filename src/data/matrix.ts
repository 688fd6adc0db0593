import { InputError } from '../errors.js';

/** A dense float64 matrix, row-major: entry (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array; // (rows, cols)
  /** Optionally, the same entries' non-zeros in compressed rows (loaders of sparse data attach it). */
  readonly sparse?: SparseRows;
}

/** Compressed sparse rows: row i's non-zeros are values[rowPtr[i] … rowPtr[i+1]−1] at columns cols[…], in column order. */
export interface SparseRows {
  readonly rowPtr: Int32Array; // (rows + 1)
  readonly cols: Int32Array; // (nnz)
  readonly values: Float64Array; // (nnz)
}

const validated = new WeakSet<Matrix>();

/** Data points as accepted by the public API: a {@link Matrix} or an array of equal-length rows. */
export type MatrixInput = Matrix | ReadonlyArray<ArrayLike<number>>;

/**
 * Validates and converts points to a {@link Matrix}.
 *
 * Refuses, with the offending row and column in the message: no rows, zero columns, ragged rows,
 * NaN and ±Infinity.
 *
 * @param input - a Matrix or an array of rows
 * @param name - what the matrix is called in error messages (e.g. `X`)
 * @example
 * toMatrix([[0, 1], [2, 3]]).data; // Float64Array [0, 1, 2, 3]
 */
export function toMatrix(input: MatrixInput, name = 'X'): Matrix {
  if (isMatrix(input)) {
    const { rows, cols, data } = input;
    if (data.length !== rows * cols) {
      throw new InputError(`${name}: data has ${data.length} entries but shape is (${rows}, ${cols}); expected ${rows * cols}`);
    }
    checkShape(rows, cols, name);
    if (validated.has(input)) return input;
    for (let k = 0; k < data.length; k++) {
      if (!Number.isFinite(data[k])) {
        throw nonFinite(name, Math.floor(k / cols), k % cols, data[k] as number);
      }
    }
    validated.add(input);
    return input;
  }
  const rows = input.length;
  const first = input[0];
  const cols = first === undefined ? 0 : first.length;
  checkShape(rows, cols, name);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = input[i] as ArrayLike<number>;
    if (r.length !== cols) {
      throw new InputError(
        `${name}: ragged rows — row ${i + 1} has ${r.length} values but row 1 has ${cols} (1-based); every point needs the same number of features`,
      );
    }
    for (let j = 0; j < cols; j++) {
      const v = r[j] as number;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw nonFinite(name, i, j, v);
      data[i * cols + j] = v;
    }
  }
  const m = { rows, cols, data };
  validated.add(m);
  return m;
}

/** Row i of a matrix as a view (no copy). */
export function rowOf(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/**
 * Validates labels: one finite number per point.
 *
 * @param y - the labels
 * @param n - the number of points they must match
 */
export function toLabels(y: ArrayLike<number>, n: number, name = 'y'): Float64Array {
  if (y.length !== n) {
    throw new InputError(`${name}: ${y.length} labels for ${n} points; give exactly one label per point`);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = y[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(`${name}[${i}] is ${String(v)}; labels must be finite numbers`);
    }
    out[i] = v;
  }
  return out;
}

function isMatrix(x: MatrixInput): x is Matrix {
  return !Array.isArray(x) && typeof (x as Matrix).rows === 'number' && (x as Matrix).data instanceof Float64Array;
}

function checkShape(rows: number, cols: number, name: string): void {
  if (rows === 0) throw new InputError(`${name}: empty data (0 points); give at least one point`);
  if (cols === 0) throw new InputError(`${name}: points have 0 features; give at least one feature per point`);
}

function nonFinite(name: string, i: number, j: number, v: unknown): InputError {
  return new InputError(`${name}[${i}][${j}] is ${String(v)}; every feature must be a finite number (clean or drop that point)`);
}

/**
 * c·X, keeping the compressed rows in step when X carries them (e.g. MNIST pixels / 255).
 *
 * @example
 * scaleMatrix(mnistMatrix('train').X, 1 / 255); // pixels in [0, 1]
 */
export function scaleMatrix(X: Matrix, c: number): Matrix {
  const sp = X.sparse;
  return {
    rows: X.rows,
    cols: X.cols,
    data: X.data.map((v) => v * c),
    ...(sp ? { sparse: { rowPtr: sp.rowPtr, cols: sp.cols, values: sp.values.map((v) => v * c) } } : {}),
  };
}
