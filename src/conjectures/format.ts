/**
 * Readable and JSON-safe forms of inputs: counterexamples are printed as small tables of points and
 * labels, and stored as JSON (rationals as 'p/q' strings, bigints as strings, typed arrays as arrays).
 */

interface FractionLike {
  toFraction(): string;
  n: unknown;
  d: unknown;
}

function isFraction(v: unknown): v is FractionLike {
  return typeof v === 'object' && v !== null && typeof (v as FractionLike).toFraction === 'function' && 'n' in v && 'd' in v;
}

/**
 * A JSON-safe copy of a value: Fractions → 'p/q', bigint → decimal string, typed arrays → arrays,
 * NaN/±Infinity/−0 → their names as strings, Maps → entry lists, functions → their source name.
 *
 * @example
 * toJsonSafe({ x: fraction(1, 3), w: Float32Array.of(0.5) }); // { x: '1/3', w: [0.5] }
 */
export function toJsonSafe(value: unknown, depth = 0): unknown {
  if (depth > 32) return '…';
  if (typeof value === 'number') {
    if (Number.isNaN(value) || !Number.isFinite(value)) return String(value);
    return Object.is(value, -0) ? '-0' : value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (value === undefined) return null;
  if (typeof value !== 'object' || value === null) return value;
  if (isFraction(value)) return value.toFraction();
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => toJsonSafe(v, depth + 1));
  if (Array.isArray(value)) return value.map((v) => toJsonSafe(v, depth + 1));
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => [toJsonSafe(k, depth + 1), toJsonSafe(v, depth + 1)]);
  if (value instanceof Set) return [...value].map((v) => toJsonSafe(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toJsonSafe(v, depth + 1);
  return out;
}

/** A number, Fraction or bigint as short text: integers in full, others to 6 significant digits. */
export function formatScalar(v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v) || !Number.isFinite(v)) return Object.is(v, -0) ? '-0' : String(v);
    const abs = Math.abs(v);
    return abs >= 1e-4 && abs < 1e6 ? String(Number(v.toPrecision(6))) : v.toExponential(4);
  }
  if (isFraction(v)) return v.toFraction();
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return v;
  return JSON.stringify(toJsonSafe(v));
}

const NUMERIC = /^[-+−]?(\d[\d.,]*(e[-+]?\d+)?|\d*\.\d+(e[-+]?\d+)?|\d+\/\d+|Infinity|NaN)$/i;

/**
 * A small aligned table: a header row and one row per entry; numeric columns are right-aligned,
 * text columns left-aligned.
 *
 * @example
 * table(['i', 'x', 'y'], [['0', '1', '+1'], ['1', '2', '−1']]);
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => r[j] === undefined || r[j] === '' || NUMERIC.test(r[j] as string)));
  const line = (cells: readonly string[]) =>
    cells.map((c, j) => (numeric[j] ? c.padStart(widths[j] as number) : c.padEnd(widths[j] as number))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * Points and their labels as a table, one row per point: `i | x (or x₁ … x_d) | y`.
 *
 * @param X - points, (n, d): numbers, Fractions or bigints
 * @param y - one label per point (optional)
 * @param extra - more columns, each one value per point (e.g. projections z)
 * @example
 * pointsTable([[0], [1]], [1, -1]);
 * //  i  x   y
 * //  ─  ─  ──
 * //  0  0   1
 * //  1  1  -1
 */
export function pointsTable(
  X: readonly (readonly unknown[])[],
  y?: readonly unknown[],
  extra: Readonly<Record<string, readonly unknown[]>> = {},
): string {
  const d = X[0]?.length ?? 0;
  const xHeader = d === 1 ? ['x'] : Array.from({ length: d }, (_, j) => `x${j + 1}`);
  const extraKeys = Object.keys(extra);
  const header = ['i', ...xHeader, ...(y ? ['y'] : []), ...extraKeys];
  const rows = X.map((row, i) => [
    String(i),
    ...row.map(formatScalar),
    ...(y ? [formatScalar(y[i])] : []),
    ...extraKeys.map((k) => formatScalar((extra[k] as readonly unknown[])[i])),
  ]);
  return table(header, rows);
}

/**
 * The default readable form of an input, as tables wherever the shape allows: a list of numbers or
 * of points becomes a table with one row per entry; an object's fields that are lists of the same
 * length n (labels, points, weights) become the columns of one n-row table, and its other fields
 * lines of `name  value` above it.
 *
 * @example
 * showValue({ x: [0, 1], y: [1, -1], lambda: '3/4' });
 * // lambda  3/4
 * // i  x   y
 * // ─  ─  ──
 * // 0  0   1
 * // 1  1  -1
 */
export function showValue(value: unknown): string {
  if (typeof value !== 'object' || value === null || isFraction(value)) return formatScalar(value);
  const list = asList(value);
  if (list !== null) return columnsTable({ value: list }) ?? JSON.stringify(toJsonSafe(value));
  const entries = Object.entries(value);
  const lists = entries.map(([k, v]) => [k, asList(v)] as const).filter((e): e is readonly [string, unknown[]] => e[1] !== null && e[1].length > 0);
  // the most common length among the list fields is the number of rows
  const counts = new Map<number, number>();
  for (const [, l] of lists) counts.set(l.length, (counts.get(l.length) ?? 0) + 1);
  const n = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0];
  const columns = Object.fromEntries(lists.filter(([, l]) => l.length === n));
  const tableText = n === undefined ? null : columnsTable(columns);
  const rest = entries.filter(([k]) => tableText === null || !(k in columns));
  const width = Math.max(0, ...rest.map(([k]) => k.length)) + 2;
  const lines = rest.map(([k, v]) => `${k.padEnd(width)}${asList(v) !== null ? `[${(asList(v) as unknown[]).map(formatScalar).join(', ')}]` : typeof v === 'object' && v !== null && !isFraction(v) ? JSON.stringify(toJsonSafe(v)) : formatScalar(v)}`);
  return [...lines, ...(tableText === null ? [] : [tableText])].join('\n');
}

function asList(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<unknown>);
  return null;
}

/** One table from equally long lists: scalar lists are one column each, lists of rows one column per coordinate. */
function columnsTable(fields: Record<string, unknown[]>): string | null {
  const header = ['i'];
  const cells: ((i: number) => string)[] = [];
  for (const [name, list] of Object.entries(fields)) {
    const rows = list.map(asList);
    if (rows.every((r) => r !== null)) {
      const d = Math.max(...rows.map((r) => (r as unknown[]).length));
      if (d > 8) return null;
      for (let j = 0; j < d; j++) {
        header.push(d === 1 ? (name === 'value' ? 'x' : name) : `${name === 'value' ? 'x' : name}${j + 1}`);
        cells.push((i) => formatScalar((rows[i] as unknown[])[j]));
      }
    } else if (rows.every((r) => r === null)) {
      header.push(name === 'value' ? 'x' : name);
      cells.push((i) => formatScalar(list[i]));
    } else return null;
  }
  const n = Object.values(fields)[0]?.length ?? 0;
  return table(header, Array.from({ length: n }, (_, i) => [String(i), ...cells.map((cell) => cell(i))]));
}
