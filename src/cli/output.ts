/** Where a command writes: results to stdout, progress and notes to stderr (so `--json` stays pure). */
export interface Output {
  /** A note for the person at the terminal (seed, data, files written). */
  info(message: string): void;
  /** The machine-readable result: one JSON object. */
  json(value: unknown): void;
  /** The human-readable result. */
  table(text: string): void;
}

/** The process's own streams. */
export const processOutput: Output = {
  info: (message) => process.stderr.write(`${message}\n`),
  json: (value) => process.stdout.write(`${JSON.stringify(value)}\n`),
  table: (text) => process.stdout.write(`${text}\n`),
};

/** An output that records everything (for tests and embedding). */
export function memoryOutput(): Output & { infos: string[]; jsons: unknown[]; tables: string[] } {
  const infos: string[] = [];
  const jsons: unknown[] = [];
  const tables: string[] = [];
  return { infos, jsons, tables, info: (m) => infos.push(m), json: (v) => jsons.push(v), table: (t) => tables.push(t) };
}

/** Two aligned columns. */
export function formatTable(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${k.padEnd(width)}${v}`).join('\n');
}
