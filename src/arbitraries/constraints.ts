import { InputError } from '../errors.js';

/** Checks that `v` is an integer ≥ `min`, naming the arbitrary and the field. */
export function checkInteger(where: string, field: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) throw new InputError(`${where}: ${field} must be an integer ≥ ${min}, got ${v}`);
}

/** Checks that `v` is a finite number > 0. */
export function checkPositive(where: string, field: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new InputError(`${where}: ${field} must be a positive finite number, got ${v}`);
}

/** Checks lo ≤ hi for a pair of bounds. */
export function checkOrdered(where: string, lo: [string, number], hi: [string, number]): void {
  if (!(lo[1] <= hi[1])) throw new InputError(`${where}: ${hi[0]} (${hi[1]}) should be equal or greater than ${lo[0]} (${lo[1]})`);
}
