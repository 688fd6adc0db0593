/**
 * Numbers as people write them in flags and data files: decimal only (`12`, `-0.5`, `1e-3`, `.5`).
 * JavaScript's `Number()` also takes `0x10`, `0b1`, `Infinity` and an empty string (as 0); none of
 * those is what a user of a data file means, so they are not numbers here.
 */
export const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The value of a decimal number, or null when `text` is not one or it overflows float64.
 *
 * @example
 * parseDecimal('1e-3'); // 0.001
 * parseDecimal('0x10'); // null
 */
export function parseDecimal(text: string): number | null {
  if (!DECIMAL.test(text)) return null;
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}
