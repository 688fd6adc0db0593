/**
 * `npm run bench [-- <name>… [--record]]`: runs the named benchmarks (all by default), prints a table
 * for each and writes bench/results/<name>.json (ignored by git). With --record it also writes
 * bench/records/<name>.md and .json — the dated, committed record (machine, command, headline
 * comparisons, rows) that the README's figures come from. Ratios are measured in one run against a reference on
 * the same machine; absolute times on shared machines are noisy.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, arch } from 'node:os';
import { join } from 'node:path';
import { experimentsBench } from './experiments.js';
import { executorsBench } from './executors.js';
import { expressivityBench } from './expressivity.js';
import { kernelBench } from './kernel.js';
import { lambdaBench } from './lambda.js';
import { rademacherBench } from './rademacher.js';
import { searchBench } from './search.js';
import { startupBench } from './startup.js';
import { trainingBench } from './training.js';
import type { Bench } from './harness.js';
import { recordMarkdown, type BenchRecord } from './record.js';

const benches: Record<string, Bench> = { expressivity: expressivityBench, lambda: lambdaBench, rademacher: rademacherBench, kernel: kernelBench, training: trainingBench, startup: startupBench, search: searchBench, experiments: experimentsBench, executors: executorsBench };

const args = process.argv.slice(2);
const record = args.includes('--record');
const wanted = args.filter((a) => a !== '--record');
for (const name of wanted) {
  if (!(name in benches)) {
    console.error(`bench: unknown benchmark '${name}'; available: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
}
const outDir = join(import.meta.dirname, 'results');
const recordDir = join(import.meta.dirname, 'records');
mkdirSync(outDir, { recursive: true });
const machine = {
  cpuModel: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  platform: `${platform()} ${arch()}`,
  loadAverageAtStart: loadavg().map((v) => Number(v.toFixed(2))),
};
for (const name of wanted.length > 0 ? wanted : Object.keys(benches)) {
  const bench = benches[name] as Bench;
  console.log(`\n== ${name}: ${bench.description}`);
  const result = await bench.run();
  console.log(formatRows(result.rows));
  for (const note of result.notes) console.log(`  ${note}`);
  for (const c of result.comparisons ?? []) {
    console.log(`  ${c.what}: ours ${c.ours} ${c.unit}${c.reference === null ? '' : `, ${c.referenceName} ${c.reference} ${c.unit}, ratio ${c.ratio}`}${c.target ? ` (target ${c.target})` : ''}`);
  }
  const content: BenchRecord = { name, date: new Date().toISOString(), machine, command: `npm run bench -- ${name}`, ...result };
  const file = join(outDir, `${name}.json`);
  writeFileSync(file, JSON.stringify(content, null, 2) + '\n');
  console.log(`  → ${file}`);
  if (record) {
    mkdirSync(recordDir, { recursive: true });
    writeFileSync(join(recordDir, `${name}.json`), JSON.stringify(content, null, 2) + '\n');
    writeFileSync(join(recordDir, `${name}.md`), recordMarkdown(content));
    console.log(`  → ${join(recordDir, `${name}.md`)} and .json (commit them: the README's figures come from them)`);
  }
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
