/**
 * `npm run bench [-- <name>…]`: runs the named benchmarks (all by default), prints a table for each
 * and writes bench/results/<name>.json. Ratios are measured in one run against a reference on the
 * same machine; absolute times on shared machines are noisy.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { experimentsBench } from './experiments.js';
import { expressivityBench } from './expressivity.js';
import { kernelBench } from './kernel.js';
import { lambdaBench } from './lambda.js';
import { rademacherBench } from './rademacher.js';
import { searchBench } from './search.js';
import { startupBench } from './startup.js';
import { trainingBench } from './training.js';
import type { Bench } from './harness.js';

const benches: Record<string, Bench> = { expressivity: expressivityBench, lambda: lambdaBench, rademacher: rademacherBench, kernel: kernelBench, training: trainingBench, startup: startupBench, search: searchBench, experiments: experimentsBench };

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in benches)) {
    console.error(`bench: unknown benchmark '${name}'; available: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
}
const outDir = join(import.meta.dirname, 'results');
mkdirSync(outDir, { recursive: true });
for (const name of wanted.length > 0 ? wanted : Object.keys(benches)) {
  const bench = benches[name] as Bench;
  console.log(`\n== ${name}: ${bench.description}`);
  const result = await bench.run();
  console.log(formatRows(result.rows));
  for (const note of result.notes) console.log(`  ${note}`);
  const file = join(outDir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, date: new Date().toISOString(), node: process.version, ...result }, null, 2) + '\n');
  console.log(`  → ${file}`);
}

function formatRows(rows: readonly Record<string, string | number | null>[]): string {
  if (rows.length === 0) return '(no rows)';
  const keys = Object.keys(rows[0] as object);
  const cell = (v: unknown): string =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : Math.abs(v) >= 0.01 && Math.abs(v) < 1e6 ? v.toFixed(3) : v.toExponential(2)) : String(v ?? '—');
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => cell(r[k]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padStart(widths[i] as number)).join('  ');
  return [line(keys), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(keys.map((k) => cell(r[k]))))].join('\n');
}
