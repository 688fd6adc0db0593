import type { Conjecture } from './conjecture.js';
import { showValue, toJsonSafe } from './format.js';
import { matchesExpected, type SearchResult } from './result.js';

/** The readable form of an input: the conjecture's own `show`, else the generic one. */
export function showInput<T>(c: Conjecture<T>, input: T): string {
  if (c.show) {
    try {
      return c.show(input);
    } catch (err) {
      return `${showValue(input)}\n(show threw: ${(err as Error).message})`;
    }
  }
  return showValue(input);
}

/** The verdict in words, with what was expected. */
export function verdictLine(r: SearchResult): string {
  const budget = r.empirical ? ` — empirical: ${r.empirical}` : '';
  const expectation = matchesExpected(r) ? `as expected (${r.expected})` : `expected: ${r.expected === 'holds' ? 'holds (survives)' : 'refuted'}`;
  switch (r.verdict) {
    case 'refuted':
      return `REFUTED after ${r.runs} run${r.runs === 1 ? '' : 's'} (${r.phase} phase${r.shrinks > 0 ? `, ${r.shrinks} shrinks` : ''}, ${r.ms} ms) — ${expectation}${budget}`;
    case 'survived':
      return `SURVIVED ${r.runs} runs (${r.ms} ms${r.targeted ? ', half of them targeted' : ''}) — ${expectation}${budget}`;
    case 'error':
      return `ERROR (${r.cause}) — ${r.error}`;
  }
}

/**
 * A search's outcome for a terminal: statement, source, verdict, the shrunk counterexample in
 * readable form and the command that replays it — or, for a survival, what the runs covered.
 *
 * @example
 * const c = builtinConjecture('weight-bound')!;
 * console.log(formatReport(c, await search(c, { seed: 1 }))); // … counterexample: (a table) … replay: rethink search weight-bound --seed 1 --path …
 */
export function formatReport<T>(c: Conjecture<T>, r: SearchResult<T>): string {
  const lines = [`${c.name}: ${c.statement}`];
  if (c.source) lines.push(`source: ${c.source}`);
  lines.push(verdictLine(r));
  if (r.verdict === 'refuted') {
    lines.push('counterexample:', indent(showInput(c, r.counterexample)));
    lines.push(`replay: ${r.replay}`);
  } else if (r.verdict === 'survived') {
    const top = r.coverage.labels.slice(0, 6).map((l) => `${l.label}: ${l.runs}`).join(', ');
    lines.push(`coverage: ${r.coverage.distinct} distinct inputs; ${top}${r.coverage.labels.length > 6 ? ', …' : ''}`);
    if (r.bestScore !== null) lines.push(`closest to a violation: score ${r.bestScore.toPrecision(4)} (a violation needs > 0)`);
    lines.push(`seed: ${r.seed}`);
  } else if (r.input !== null) {
    lines.push('input:', indent(showInput(c, r.input)), `seed: ${r.seed}`);
  }
  for (const note of r.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

/**
 * The machine-readable outcome: `name`, `verdict`, `expected`, `counterexample` (JSON-safe; null
 * unless refuted), `seed`, `path`, `runs`, `phase`, `ms` (also as `wallMs`, as every command reports
 * it), and more per verdict.
 *
 * @example
 * JSON.stringify(reportJson(await search(c, { seed: 1 }))); // what `rethink search … --json` prints
 */
export function reportJson(r: SearchResult): Record<string, unknown> {
  const base = {
    name: r.name,
    verdict: r.verdict,
    expected: r.expected,
    matchesExpected: matchesExpected(r),
    counterexample: r.verdict === 'refuted' ? toJsonSafe(r.counterexample) : null,
    seed: r.seed,
    path: r.verdict === 'refuted' ? r.path : null,
    runs: r.runs,
    phase: r.verdict === 'refuted' ? r.phase : null,
    ms: r.ms,
    wallMs: r.ms, // the name every other command uses for its wall time
    rejected: r.rejected,
    targeted: r.targeted,
    empirical: r.empirical,
    notes: r.notes,
  };
  if (r.verdict === 'refuted') return { ...base, replay: r.replay, shrinks: r.shrinks, firstFailure: r.firstFailure };
  if (r.verdict === 'survived') return { ...base, coverage: r.coverage, bestScore: r.bestScore };
  return { ...base, cause: r.cause, input: toJsonSafe(r.input), error: r.error };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
