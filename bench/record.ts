import type { BenchResult } from './harness.js';

/** A benchmark's dated record: what `npm run bench -- <name> --record` writes to bench/records/. */
export interface BenchRecord extends BenchResult {
  readonly name: string;
  /** ISO date of the measurement. */
  readonly date: string;
  readonly machine: { cpuModel: string; cores: number; node: string; platform: string; loadAverageAtStart: number[] | null };
  readonly command: string;
  /** Where the figures come from when they were not measured by this run (older session notes). */
  readonly source?: string;
}

const cell = (v: unknown): string =>
  v === null || v === undefined ? '—' : typeof v === 'number' ? (Number.isInteger(v) || Math.abs(v) >= 0.01 ? String(Number(v.toPrecision(6))) : v.toExponential(3)) : String(v);

/** The record as Markdown: machine and command, the headline comparisons, the rows, the notes. */
export function recordMarkdown(r: BenchRecord): string {
  const m = r.machine;
  const lines = [
    `# Benchmark record: ${r.name}`,
    '',
    `Measured ${r.date.slice(0, 10)} (${r.date}) on ${m.cores} cores, ${m.cpuModel}, Node ${m.node}, ${m.platform}` +
      (m.loadAverageAtStart ? `, load average at start ${m.loadAverageAtStart.join(' / ')}` : '') +
      '.',
    ...(r.source ? ['', `Source: ${r.source}.`] : []),
    '',
    '```sh',
    r.command,
    '```',
  ];
  const comparisons = r.comparisons ?? [];
  if (comparisons.length > 0) {
    lines.push('', '| what | ours | reference | ratio (ours / reference) | target |', '| --- | --- | --- | --- | --- |');
    for (const c of comparisons) {
      const unit = c.unit ? ` ${c.unit}` : '';
      lines.push(`| ${c.what} | ${cell(c.ours)}${unit} | ${c.reference === null ? '—' : `${cell(c.reference)}${unit} (${c.referenceName})`} | ${cell(c.ratio)} | ${c.target ?? '—'} |`);
    }
  }
  if (r.rows.length > 0) {
    const keys = Object.keys(r.rows[0] as object);
    lines.push('', `| ${keys.join(' | ')} |`, `| ${keys.map(() => '---').join(' | ')} |`);
    for (const row of r.rows) lines.push(`| ${keys.map((k) => cell(row[k])).join(' | ')} |`);
  }
  if (r.notes.length > 0) lines.push('', 'Notes:', '', ...r.notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}
