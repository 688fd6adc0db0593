import { InputError } from '../errors.js';

/** Where a command writes: results to stdout, progress and notes to stderr (so `--json` stays pure). */
export interface Output {
  /** A note for the person at the terminal (seed, data, files written). */
  info(message: string): void;
  /** The machine-readable result: one JSON object. */
  json(value: unknown): void;
  /** The human-readable result. */
  table(text: string): void;
  /** An error line (stderr). */
  error(message: string): void;
}

/** The process's own streams. */
export const processOutput: Output = {
  info: (message) => process.stderr.write(`${message}\n`),
  json: (value) => process.stdout.write(`${JSON.stringify(value)}\n`),
  table: (text) => process.stdout.write(`${text}\n`),
  error: (message) => process.stderr.write(`${message}\n`),
};

/** An output that records everything (for tests and embedding). */
export function memoryOutput(): Output & { infos: string[]; jsons: unknown[]; tables: string[]; errors: string[] } {
  const infos: string[] = [];
  const jsons: unknown[] = [];
  const tables: string[] = [];
  const errors: string[] = [];
  return { infos, jsons, tables, errors, info: (m) => infos.push(m), json: (v) => jsons.push(v), table: (t) => tables.push(t), error: (m) => errors.push(m) };
}

/** Two aligned columns. */
export function formatTable(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${k.padEnd(width)}${v}`).join('\n');
}

/**
 * Checks that every number in a result (nested objects and arrays included) is finite before it is
 * printed: a non-finite figure is never shown as a result. Infinity/NaN fields are refused with one
 * line that names them and `why` (what overflowed, what to change).
 *
 * @example
 * finiteReport({ estimate: 0.3, bounds: { trace: 0.5 } }); // returned as is
 */
export function finiteReport<T extends Record<string, unknown>>(report: T, why = 'the computation overflowed float64; rescale the data (e.g. divide it by its largest absolute value)'): T {
  const bad: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) bad.push(`${path} = ${v}`);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, path === '' ? k : `${path}.${k}`);
  };
  walk(report, '');
  if (bad.length > 0) throw new InputError(`no result to show: ${bad.slice(0, 4).join(', ')}${bad.length > 4 ? ', …' : ''} — ${why}`);
  return report;
}
