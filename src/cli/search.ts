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
import { commonFlags, parseFlags, type FlagSpecs } from './args.js';
import type { Output } from './output.js';

export const searchFlags: FlagSpecs = {
  list: { type: 'boolean', description: 'list the built-in conjectures with their expected outcomes' },
  all: { type: 'boolean', description: 'run every built-in conjecture; exit 1 if an outcome differs from its expected one' },
  runs: { type: 'integer', placeholder: 'N', description: 'predicate evaluations (default: the conjecture\'s own budget)' },
  path: { type: 'string', placeholder: 'p', description: 'replay the counterexample at this path (with the --seed it was found with) instead of searching' },
  'no-target': { type: 'boolean', description: 'random search only, no hill-climbing on the score' },
  'no-store': { type: 'boolean', description: `neither replay nor save counterexamples (default store: ${DEFAULT_STORE}/<name>.json)` },
  store: { type: 'string', placeholder: 'DIR', description: `where counterexamples are stored (default ${DEFAULT_STORE})` },
  ...commonFlags,
};

/** Splits off the one positional argument (a conjecture name or file); the rest are flags for parseFlags. */
function splitTarget(argv: readonly string[]): { target: string | undefined; flags: string[] } {
  const flags: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--')) {
      flags.push(arg);
      const spec = searchFlags[arg.slice(2)];
      if (spec && spec.type !== 'boolean' && !arg.includes('=') && i + 1 < argv.length) flags.push(argv[++i] as string);
    } else positional.push(arg);
  }
  if (positional.length > 1) throw new InputError(`rethink search: one conjecture at a time, got ${positional.map((p) => `'${p}'`).join(' and ')} (or --all)`);
  return { target: positional[0], flags };
}

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
export async function runSearch(argv: readonly string[], out: Output): Promise<number> {
  const { target, flags: rest } = splitTarget(argv);
  const flags = parseFlags(rest, searchFlags, 'search');
  const json = flags.json === true;
  const modes = [flags.list === true, flags.all === true, target !== undefined].filter(Boolean).length;
  if (modes !== 1) throw new InputError('rethink search: give exactly one of --list, --all, or a conjecture (a built-in name or a .ts/.js file); see rethink search --help');
  if (flags.list === true) return list(out, json);

  const store = flags['no-store'] === true ? null : ((flags.store as string | undefined) ?? DEFAULT_STORE);
  const options = {
    runs: flags.runs as number | undefined,
    target: flags['no-target'] !== true,
    store,
  };
  if (flags.all === true) {
    if (flags.path !== undefined) throw new InputError('rethink search: --path replays one conjecture; name it instead of --all');
    const seed = (flags.seed as number | undefined) ?? freshSeed();
    out.info(`seed: ${seed}`);
    return runAll(seed, options, out, json);
  }

  const c = await resolveConjecture(target as string);
  const seed = (flags.seed as number | undefined) ?? (flags.path !== undefined ? undefined : freshSeed());
  if (seed !== undefined) out.info(`seed: ${seed}`);
  const r = await search(c, { ...options, seed, path: flags.path as string | undefined, command: commandFor(target as string) });
  if (r.verdict === 'error') {
    const input = r.input === null ? '' : ` at input ${truncate(JSON.stringify(reportJson(r).input), 200)}`;
    throw new InputError(`${c.name}: ${r.error}${input} (seed ${r.seed})`);
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

async function runAll(seed: number, options: { runs?: number; target: boolean; store: string | null }, out: Output, json: boolean): Promise<number> {
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
