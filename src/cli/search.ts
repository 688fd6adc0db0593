import { InputError } from '../errors.js';
import type { Conjecture } from '../conjectures/conjecture.js';
import { BUILTIN_CONJECTURES, builtinConjecture } from '../conjectures/builtins/index.js';
import { loadConjecture } from '../conjectures/load.js';
import { formatReport, reportJson, verdictLine } from '../conjectures/report.js';
import { matchesExpected, type SearchResult } from '../conjectures/result.js';
import { search } from '../conjectures/search.js';
import { DEFAULT_STORE } from '../conjectures/store.js';
import { table } from '../conjectures/format.js';
import { freshSeed } from '../random/rng.js';
import { onlyWith, type Flags } from './args.js';
import type { searchFlags } from './commands.js';
import type { Output } from './output.js';

/** The replay command names the conjecture as the user did (a file path quoted when it needs it). */
function commandFor(target: string): string {
  return `rethink search ${/^[\w./@+-]+$/.test(target) ? target : JSON.stringify(target)}`;
}

async function resolveConjecture(target: string): Promise<Conjecture<unknown>> {
  const builtin = builtinConjecture(target);
  if (builtin) return builtin;
  if (/\.[cm]?[jt]s$/.test(target) || target.includes('/') || target.includes('\\')) return loadConjecture(target);
  throw new InputError(`unknown conjecture '${target}': built-ins are ${BUILTIN_CONJECTURES.map((c) => c.name).join(', ')} (rethink search --list), or give a .ts or .js file whose default export is a conjecture`);
}

/** `rethink search`: counterexample search for the built-in conjectures or a user's file. */
export async function runSearch(flags: Flags<typeof searchFlags>, out: Output, operands: readonly string[] = []): Promise<number> {
  const target = operands[0];
  const json = flags.json === true;
  const modes = [flags.list === true, flags.all === true, target !== undefined].filter(Boolean).length;
  if (modes !== 1) throw new InputError('give exactly one of --list, --all, or a conjecture (a built-in name or a .ts/.js file); see rethink search --help');
  // flags that would have no effect are refused, not ignored
  for (const name of ['runs', 'seed', 'path', 'no-target', 'no-store', 'store'] as const) onlyWith(flags[name] !== undefined, flags.list !== true, `--${name} has no effect with --list, which only lists the built-ins`);
  onlyWith(flags.store !== undefined, flags['no-store'] !== true, '--store names the store that --no-store turns off; give one of them');
  for (const name of ['runs', 'no-target'] as const) onlyWith(flags[name] !== undefined, flags.path === undefined, `--${name} has no effect on a replay (--path): it only re-evaluates the counterexample`);
  if (flags.list === true) return list(out, json);

  const store = flags['no-store'] === true ? null : (flags.store ?? DEFAULT_STORE);
  const options = { runs: flags.runs, target: flags['no-target'] !== true, store };
  if (flags.all === true) {
    if (flags.path !== undefined) throw new InputError('--path replays one conjecture; name it instead of --all');
    const seed = flags.seed ?? freshSeed();
    out.info(`seed: ${seed}`);
    return runAll(seed, options, out, json);
  }

  const c = await resolveConjecture(target as string);
  const seed = flags.seed ?? (flags.path !== undefined ? undefined : freshSeed());
  if (seed !== undefined) out.info(`seed: ${seed}`);
  const r = await search(c, { ...options, seed, path: flags.path, command: commandFor(target as string) });
  if (r.verdict === 'error') {
    const input = r.input === null ? '' : ` at input ${truncate(JSON.stringify(reportJson(r).input), 200)}`;
    throw new InputError(`${c.name}: ${r.error}${input} (seed ${r.seed})`);
  }
  if (r.verdict === 'refuted' && r.phase === 'store' && seed !== undefined && r.seed !== seed) {
    out.info(`the stored counterexample (found with seed ${r.seed}) was replayed first and refutes it: seed ${seed} was not needed`);
  }
  if (json) out.json(reportJson(r));
  else out.table(formatReport(c, r));
  return matchesExpected(r) ? 0 : 1;
}

function list(out: Output, json: boolean): number {
  if (json) {
    out.json({
      conjectures: BUILTIN_CONJECTURES.map((c) => ({ name: c.name, expected: c.expected, statement: c.statement, source: c.source ?? null, numRuns: c.numRuns, targeted: c.score !== undefined, empirical: c.empirical?.budget ?? null })),
    });
    return 0;
  }
  out.table(
    table(
      ['name', 'expected', 'runs', 'search', 'statement'],
      BUILTIN_CONJECTURES.map((c) => [c.name, c.expected, String(c.numRuns), c.empirical ? 'random, trains' : c.score ? 'random + targeted' : 'random', truncate(c.statement, 90)]),
    ),
  );
  return 0;
}

async function runAll(seed: number, options: { runs: number | undefined; target: boolean; store: string | null }, out: Output, json: boolean): Promise<number> {
  const t0 = performance.now();
  const results: SearchResult[] = [];
  for (const c of BUILTIN_CONJECTURES) {
    const r = await search(c, { ...options, seed, command: commandFor(c.name) });
    results.push(r);
    if (!json) out.info(`${matchesExpected(r) ? 'ok  ' : 'FAIL'} ${c.name}: ${verdictLine(r)}${r.verdict === 'refuted' ? ` — replay: ${r.replay}` : ''}`);
  }
  const mismatches = results.filter((r) => !matchesExpected(r)).map((r) => r.name);
  const ms = Math.round(performance.now() - t0);
  if (json) out.json({ seed, ms, mismatches, results: results.map(reportJson) });
  else {
    out.table(
      table(
        ['conjecture', 'expected', 'found', 'runs', 'phase', 'ms', ''],
        results.map((r) => [r.name, r.expected, r.verdict, String(r.runs), r.verdict === 'refuted' ? r.phase : '', String(r.ms), matchesExpected(r) ? 'ok' : 'MISMATCH']),
      ),
    );
    out.table(mismatches.length === 0 ? `all ${results.length} outcomes as expected (${ms} ms, seed ${seed})` : `${mismatches.length} of ${results.length} differ from the expected outcome: ${mismatches.join(', ')} (seed ${seed})`);
  }
  return mismatches.length === 0 ? 0 : 1;
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
