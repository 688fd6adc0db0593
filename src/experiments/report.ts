/**
 * The reports: for each study and for the whole plan, `results.json`, `report.md` and a
 * self-contained `report.html` (plots inlined as PNG, opens offline) that put the measured numbers
 * next to the paper's, state the data, scale, backend, package versions, seeds and wall time, and say
 * in words which claims were confirmed, which were not, and by how much.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeChart } from '../report/charts.js';
import { provenance } from '../provenance.js';
import { fileError } from '../training/run-store.js';
import type { LoadedStudy, Plan } from './plan.js';
import { canonicalJsonPretty, ensureDirectory, type ClaimResult, type PlanResults, type StudyResult } from './results.js';
import { formatValue, type RunOutcome } from './study.js';

/** What the reproduce command records about itself (reproduce.json): not part of results.json, which is deterministic. */
export interface RunLog {
  readonly startedAt: string;
  readonly wallMs: number;
  readonly jobs: number;
  readonly loadAverage: readonly number[];
  readonly command: string;
}

interface Plot {
  readonly study: string;
  readonly name: string;
  readonly title: string;
  /** relative to the results directory */
  readonly png: string;
  readonly pngBytes: Uint8Array;
}

function write(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw fileError(err, 'write', path);
  }
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function verdictWords(c: ClaimResult): string {
  const measured = formatValue(c.measured.value, c.unit);
  if (c.verdict === 'confirmed') return `confirmed — measured ${measured}, within ${c.tolerance.text}`;
  if (c.measured.value === null) return `not confirmed — could not be measured (${c.measured.text})`;
  return `not confirmed — measured ${measured}, outside ${c.tolerance.text} by ${formatValue(c.missBy, c.unit)}`;
}

function timing(dir: string, outcomes: readonly RunOutcome[]): { runMs: number; log: RunLog | null } {
  let runMs = 0;
  for (const o of outcomes) runMs += o.result?.wallMs ?? 0;
  const file = join(dir, 'reproduce.json');
  let log: RunLog | null = null;
  if (existsSync(file)) {
    try {
      log = JSON.parse(readFileSync(file, 'utf8')) as RunLog;
    } catch {
      log = null;
    }
  }
  return { runMs, log };
}

function setupLines(plan: Plan, results: PlanResults, studies: readonly StudyResult[], runMs: number, log: RunLog | null): string[] {
  const prov = provenance();
  const seeds = [...new Set(studies.flatMap((s) => s.runs.map((r) => r.seed)))].sort((a, b) => a - b);
  return [
    `- **Data:** ${plan.data.source}${plan.data.dataDir !== null ? ` (${plan.data.dataDir})` : ''}; profile **${plan.profile}**`,
    `- **Backend:** ${results.backends.join(', ') || '— (no run finished)'}${results.threads.length > 0 ? ` (wasm engine: ${results.threads.join(' or ')} thread${results.threads.length === 1 && results.threads[0] === 1 ? '' : 's'} per run)` : ''}; versions: ${Object.entries(results.versions).map(([k, v]) => `${k} ${v}`).join(', ') || '—'}`,
    `- **rethink:** ${plan.rethink}${prov.commit !== null ? ` (commit ${prov.commit})` : ''}; plan ${plan.id}`,
    `- **Seeds:** ${seeds.join(', ')} (each run's seed is in its config.json; every random choice comes from it)`,
    `- **Runs:** ${results.runs.finished} finished, ${results.runs.failed} failed, ${results.runs.missing} not run, of ${results.runs.planned}; training time ${(runMs / 1000).toFixed(0)} s summed over runs${log !== null ? `; wall time of the reproduce ${(log.wallMs / 1000).toFixed(0)} s with ${log.jobs} worker${log.jobs === 1 ? '' : 's'} (started ${log.startedAt}, load average ${log.loadAverage.map((l) => l.toFixed(2)).join(' ')})` : ''}`,
  ];
}

function claimTable(claims: readonly ClaimResult[]): string[] {
  return [
    '| study | claim | paper | measured | tolerance | scale | verdict |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...claims.map((c) => `| ${c.study} | ${cell(c.name)} | ${cell(`${c.paper.where}: ${c.paper.value !== null ? formatValue(c.paper.value, c.unit) : c.paper.text}`)} | ${formatValue(c.measured.value, c.unit)} | ${c.tolerance.text} | ${c.scale.profiles.join(', ')}${c.scale.expected ? '' : ' (not this run)'} | ${c.verdict === 'confirmed' ? '✅ confirmed' : c.scale.expected ? '❌ not confirmed' : '— not confirmed (not expected at this scale)'} |`),
  ];
}

function studyMarkdown(s: StudyResult, plots: readonly Plot[], relative: (p: string) => string): string[] {
  const lines: string[] = [`## ${s.title}`, '', `*${s.paper}.* ${s.summary}`, ''];
  lines.push('**Claims**', '');
  for (const c of s.claims) {
    lines.push(`- **${c.name}** — ${verdictWords(c)}${c.scale.expected ? '' : ' (reported; expected only at the ' + c.scale.profiles.join('/') + ' profile)'}.`);
    lines.push(`  Measured: ${c.measured.text}`);
    lines.push(`  Paper (${c.paper.where}): ${c.paper.text}`);
    lines.push(`  Tolerance ${c.tolerance.text}: ${c.tolerance.why}`);
    lines.push(`  Scale: ${c.scale.text}`);
  }
  lines.push('');
  for (const t of s.tables) {
    lines.push(`**${t.title}**`, '', `| ${t.columns.join(' | ')} |`, `| ${t.columns.map(() => '---').join(' | ')} |`, ...t.rows.map((r) => `| ${r.map((v) => (v === null ? '—' : typeof v === 'number' ? formatValue(v, 'number') : cell(v))).join(' | ')} |`), '');
  }
  for (const p of plots) lines.push(`![${p.title}](${relative(p.png)})`, '');
  lines.push(`**Config** (${s.overrides.length > 0 ? `overrides: ${s.overrides.join(', ')}` : 'no overrides'}): ${Object.entries(s.config).map(([k, v]) => `${k} = ${Array.isArray(v) ? v.join(',') : String(v)}`).join('; ')}`, '');
  lines.push('<details><summary>Runs</summary>', '', '| run | status | steps to fit | epochs | train error | test error | test error (corrupted labels) | labels changed | directory |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of s.runs) {
    lines.push(`| ${cell(r.name)} | ${r.status}${r.error !== undefined ? `: ${cell(r.error)}` : ''} | ${r.stepsToFit ?? (r.status === 'finished' ? 'not fitted' : '—')} | ${r.epochs ?? '—'} | ${formatValue(r.trainError, 'percent')} | ${formatValue(r.testError, 'percent')} | ${formatValue(r.testErrorCorruptedLabels, 'percent')} | ${formatValue(r.labelsChanged, 'percent')} | ${r.dir} |`);
  }
  lines.push('', '</details>', '');
  return lines;
}

/** Markdown to HTML, for the subset the reports use (headings, lists, tables, images, bold, italics, code, details). */
function markdownToHtml(md: string, images: ReadonlyMap<string, Uint8Array>): string {
  const inline = (s: string): string =>
    esc(s)
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      .replace(/\*([^*]+)\*/g, '<em>$1</em>')
      .replace(/`([^`]+)`/g, '<code>$1</code>');
  const out: string[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const img = /^!\[([^\]]*)\]\(([^)]+)\)$/.exec(line);
    if (img !== null) {
      const bytes = images.get(img[2] as string);
      out.push(bytes !== undefined ? `<figure><img alt="${esc(img[1] as string)}" src="data:image/png;base64,${Buffer.from(bytes).toString('base64')}"><figcaption>${esc(img[1] as string)}</figcaption></figure>` : `<p>${esc(img[1] as string)}</p>`);
    } else if (line.startsWith('|')) {
      const rows: string[] = [];
      while (i < lines.length && (lines[i] as string).startsWith('|')) rows.push(lines[i++] as string);
      i--;
      const split = (r: string): string[] => r.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
      out.push('<table>', `<tr>${split(rows[0] as string).map((c) => `<th>${inline(c)}</th>`).join('')}</tr>`, ...rows.slice(2).map((r) => `<tr>${split(r).map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`), '</table>');
    } else if (line.startsWith('- ')) {
      out.push('<ul>');
      while (i < lines.length && ((lines[i] as string).startsWith('- ') || (lines[i] as string).startsWith('  '))) {
        const item = [(lines[i++] as string).slice(2)];
        while (i < lines.length && (lines[i] as string).startsWith('  ')) item.push((lines[i++] as string).trim());
        out.push(`<li>${item.map(inline).join('<br>')}</li>`);
      }
      i--;
      out.push('</ul>');
    } else if (/^#{1,3} /.test(line)) {
      const level = (/^#+/.exec(line) as RegExpExecArray)[0].length;
      out.push(`<h${level}>${inline(line.slice(level + 1))}</h${level}>`);
    } else if (line.startsWith('<details') || line.startsWith('</details')) out.push(line);
    else if (line.trim() !== '') out.push(`<p>${inline(line)}</p>`);
  }
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>rethink reproduce</title>',
    '<style>body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.45}table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}img{max-width:100%;border:1px solid #eee}figure{margin:1rem 0}code{background:#f4f4f4;padding:0 .2rem}</style>',
    '</head><body>',
    ...out,
    '</body></html>',
    '',
  ].join('\n');
}

/** Full references of the papers the shipped studies cite, by the short form their `paper` field uses. */
const REFERENCES: readonly [RegExp, string][] = [
  [/Zhang et al\.? 2017/, 'Zhang, Bengio, Hardt, Recht & Vinyals, *Understanding deep learning requires rethinking generalization* (ICLR 2017)'],
  [/Arpit et al\.? 2017/, 'Arpit et al., *A closer look at memorization in deep networks* (ICML 2017)'],
];

/** What the report re-runs, from the studies' own `paper` fields (a user's study names its own source). */
function sourcesLine(papers: readonly string[]): string {
  const full = REFERENCES.filter(([re]) => papers.some((p) => re.test(p))).map(([, ref]) => ref);
  const other = [...new Set(papers.filter((p) => !REFERENCES.some(([re]) => re.test(p))))];
  const all = [...full, ...other];
  return all.length === 0 ? 'Sources: none named by the studies.' : `Re-run: ${all.join('; ')}.`;
}

function headerLines(title: string, results: PlanResults, claims: readonly ClaimResult[]): string[] {
  const expected = claims.filter((c) => c.scale.expected);
  const confirmed = expected.filter((c) => c.verdict === 'confirmed');
  const failing = expected.filter((c) => c.verdict !== 'confirmed');
  return [
    `# ${title}`,
    '',
    sourcesLine(results.studies.filter((s) => claims.some((c) => c.study === s.study)).map((s) => s.paper)),
    '',
    ...(results.runs.finished < results.runs.planned
      ? [`**Incomplete:** ${results.runs.finished} of ${results.runs.planned} runs finished (${results.runs.failed} failed, ${results.runs.missing} not run): a claim that needs the others is not measured yet — finish the plan (its command with --resume, or rethink run --plan … --index i) and report again.`, '']
      : []),
    `**Verdict:** ${confirmed.length} of ${expected.length} claims expected at the ${results.profile} profile confirmed${failing.length === 0 ? '.' : `; not confirmed: ${failing.map((c) => `${c.study} — ${c.name} (${c.measured.value === null ? 'not measured' : `off by ${formatValue(c.missBy, c.unit)}`})`).join('; ')}.`}`,
    '',
  ];
}

/**
 * Writes every study's and the plan's results.json, report.md, report.html and plots into `dir`.
 *
 * @returns the files written at the top (results.json, report.md, report.html) and the plots
 */
export async function writeReports(plan: Plan, dir: string, studies: readonly LoadedStudy[], results: PlanResults, outcomes: ReadonlyMap<string, RunOutcome[]>): Promise<{ files: string[]; plots: string[] }> {
  const plots: Plot[] = [];
  for (const s of results.studies) {
    const loaded = studies.find((l) => l.study.id === s.study);
    const runs = outcomes.get(s.study) ?? [];
    const specs = loaded?.study.plots?.(runs, s.config as never) ?? [];
    const studyDir = join(dir, s.study);
    ensureDirectory(studyDir);
    if (specs.length > 0) ensureDirectory(join(studyDir, 'plots'));
    for (const p of specs) {
      const { png } = await writeChart(join(studyDir, 'plots'), p.name, { title: p.title, ...p.spec });
      plots.push({ study: s.study, name: p.name, title: p.title, png: `${s.study}/plots/${p.name}.png`, pngBytes: png });
    }
  }
  const images = new Map(plots.map((p) => [p.png, p.pngBytes] as const));
  const allOutcomes = [...outcomes.values()].flat();
  const unique = [...new Map(allOutcomes.map((o) => [o.dir, o])).values()];
  const { runMs, log } = timing(dir, unique);
  for (const s of results.studies) {
    const studyDir = join(dir, s.study);
    const studyOutcomes = outcomes.get(s.study) ?? [];
    write(join(studyDir, 'results.json'), canonicalJsonPretty({ format: 'rethink-results-1', rethink: results.rethink, planId: results.planId, profile: results.profile, data: results.data, ...s }));
    const md = [
      ...headerLines(`${s.title} — rethink reproduce, ${results.profile} profile`, results, s.claims),
      ...setupLines(plan, results, [s], studyOutcomes.reduce((t, o) => t + (o.result?.wallMs ?? 0), 0), null),
      '',
      ...claimTable(s.claims),
      '',
      ...studyMarkdown(
        s,
        plots.filter((p) => p.study === s.study),
        (p) => p.slice(s.study.length + 1),
      ),
    ].join('\n');
    write(join(studyDir, 'report.md'), md);
    write(join(studyDir, 'report.html'), markdownToHtml(md, new Map(plots.filter((p) => p.study === s.study).map((p) => [p.png.slice(s.study.length + 1), p.pngBytes]))));
  }
  write(join(dir, 'results.json'), canonicalJsonPretty(results));
  const md = [
    ...headerLines(`rethink reproduce — ${results.profile} profile`, results, results.claims),
    ...setupLines(plan, results, results.studies, runMs, log),
    '',
    '## Claims',
    '',
    ...claimTable(results.claims),
    '',
    ...results.studies.flatMap((s) =>
      studyMarkdown(
        s,
        plots.filter((p) => p.study === s.study),
        (p) => p,
      ),
    ),
  ].join('\n');
  write(join(dir, 'report.md'), md);
  write(join(dir, 'report.html'), markdownToHtml(md, images));
  return { files: ['results.json', 'report.md', 'report.html'].map((f) => join(dir, f)), plots: plots.map((p) => join(dir, p.png)) };
}
