/**
 * From run directories to verdicts: each study's runs are read from the results directory
 * (summary.json, or failure.json, or nothing yet), its claims measured on them and judged against
 * their tolerances, and everything written: per study and for the whole plan a `results.json`
 * (machine-readable), `report.md` and a self-contained `report.html`, and the plots as vega-lite
 * spec, SVG and PNG. The same directories give the same results.json, whichever machine or process
 * trained them (wall times go to the reports only).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { RUN_KEYS, type FitResult } from '../training/fit.js';
import { DirectoryRunStore, makeDirectory, fileError } from '../training/run-store.js';
import { canonicalJson, type LoadedStudy, type Plan, type PlannedRun } from './plan.js';
import { formatTolerance, verdictOf, type RunOutcome, type TableSpec, type Tag, type Unit, type Verdict } from './study.js';

/** A claim as results.json reports it. */
export interface ClaimResult {
  readonly study: string;
  readonly name: string;
  /** the paper's figure for the same quantity */
  readonly paper: { readonly where: string; readonly text: string; readonly value: number | null };
  readonly measured: { readonly value: number | null; readonly text: string };
  readonly tolerance: { readonly atLeast?: number; readonly atMost?: number; readonly why: string; readonly text: string };
  /** where the claim is expected to hold; `expected`: whether this run's profile is one of them */
  readonly scale: { readonly profiles: readonly string[]; readonly text: string; readonly expected: boolean };
  readonly unit: Unit;
  readonly verdict: Verdict;
  /** how far the measured value is outside the tolerance (0 when confirmed; null when it could not be measured) */
  readonly missBy: number | null;
}

/** A run as results.json reports it (deterministic fields only: no wall times). */
export interface RunRow {
  readonly name: string;
  readonly dir: string;
  readonly tags: Readonly<Record<string, Tag>>;
  readonly status: RunOutcome['status'];
  readonly error?: string;
  readonly model: string;
  readonly randomization: string;
  readonly p: number | null;
  readonly n: number | null;
  readonly seed: number;
  readonly modelSeed?: number;
  readonly stepsToFit: number | null;
  readonly epochs: number | null;
  readonly trainError: number | null;
  readonly testError: number | null;
  readonly testErrorCorruptedLabels: number | null;
  readonly labelsChanged: number | null;
  readonly backend: string | null;
}

/** One study's results. */
export interface StudyResult {
  readonly study: string;
  readonly title: string;
  readonly paper: string;
  readonly summary: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly overrides: readonly string[];
  readonly claims: readonly ClaimResult[];
  readonly runs: readonly RunRow[];
  readonly tables: readonly TableSpec[];
  readonly analysis: Readonly<Record<string, unknown>>;
  /** every claim expected at this scale confirmed */
  readonly confirmed: boolean;
}

/** The whole plan's results (results.json at the top of the results directory). */
export interface PlanResults {
  readonly format: 'rethink-results-1';
  readonly rethink: string;
  readonly planId: string;
  readonly profile: string;
  readonly data: Plan['data'];
  /** backends the finished runs ran on, and the package versions behind them */
  readonly backends: readonly string[];
  readonly versions: Readonly<Record<string, string>>;
  /** wasm engine thread counts of the finished runs (the same seed and thread count give the same numbers); empty on other backends */
  readonly threads: readonly number[];
  readonly runs: { readonly planned: number; readonly finished: number; readonly failed: number; readonly missing: number };
  readonly claims: readonly ClaimResult[];
  readonly studies: readonly StudyResult[];
  /** every claim expected at this scale confirmed (exit status 0) */
  readonly confirmed: boolean;
}

/** A run's outcome in the results directory; a run directory written by another plan is refused. */
function outcomeOf(dir: string, run: PlannedRun, use: PlannedRun['uses'][number]): RunOutcome {
  const store = new DirectoryRunStore(join(dir, run.dir));
  const stored = store.readConfig();
  if (stored !== null) {
    for (const k of RUN_KEYS) {
      if (JSON.stringify(stored[k] ?? null) !== JSON.stringify((run.config as Record<string, unknown>)[k] ?? null)) {
        throw new InputError(`${join(dir, run.dir)}/config.json has ${k} = ${JSON.stringify(stored[k] ?? null)}, the plan ${JSON.stringify((run.config as Record<string, unknown>)[k] ?? null)}: this results directory holds runs of another plan; report it with its own plan.json, or reproduce into a new --out`);
      }
    }
  }
  const base = { name: use.name, tags: use.tags, dir: run.dir };
  const summary = store.readSummary();
  if (summary !== null) return { ...base, status: 'finished', result: checkedSummary(join(dir, run.dir), summary, stored, run) };
  const failure = join(dir, run.dir, 'failure.json');
  if (existsSync(failure)) {
    let message = 'failed';
    try {
      message = (JSON.parse(readFileSync(failure, 'utf8')) as { message?: string }).message ?? message;
    } catch {
      // a damaged failure.json still means the run failed
    }
    return { ...base, status: 'failed', result: null, error: message };
  }
  return { ...base, status: 'missing', result: null };
}

/**
 * A finished run's summary.json, checked before any claim reads it: it must sit beside the run's
 * config.json, be the run the plan describes, and agree with its own per-epoch history and with
 * metrics.csv (the rows the trainer appended as it went). A summary written or edited by hand —
 * `{"trainError": 0}` — is refused, so a verdict cannot be confirmed without the runs.
 */
export function checkedSummary(runDir: string, summary: Record<string, unknown>, config: Record<string, unknown> | null, run: PlannedRun): FitResult {
  const file = join(runDir, 'summary.json');
  const refuse = (what: string): never => {
    throw new InputError(`${file}: ${what}; the run directory was edited or damaged: delete ${runDir} and run the plan again with --resume`);
  };
  if (config === null) refuse('no config.json beside it, so it is not a run this plan wrote');
  for (const k of ['model', 'randomization', 'n', 'seed'] as const) {
    if (k === 'n' && typeof run.config.n !== 'number') continue; // 'all': the summary holds the count
    if (JSON.stringify(summary[k] ?? null) !== JSON.stringify((run.config as Record<string, unknown>)[k] ?? null)) {
      refuse(`${k} = ${JSON.stringify(summary[k] ?? null)}, the plan's run has ${JSON.stringify((run.config as Record<string, unknown>)[k] ?? null)}`);
    }
  }
  const history = summary.history;
  if (!Array.isArray(history) || history.length === 0) return refuse('no per-epoch history');
  const records = history as Record<string, unknown>[];
  for (const [i, r] of records.entries()) {
    for (const k of ['epoch', 'steps', 'loss', 'trainError'] as const) {
      if (typeof r[k] !== 'number' || !Number.isFinite(r[k])) refuse(`history[${i}].${k} is ${JSON.stringify(r[k] ?? null)}, not a number`);
    }
  }
  const last = records[records.length - 1]!;
  const firstFit = records.find((r) => r.trainError === 0);
  const expect: [string, unknown, unknown][] = [
    ['epochs', summary.epochs, records.length],
    ['steps', summary.steps, last.steps],
    ['trainError', summary.trainError, last.trainError],
    ['stepsToFit', summary.stepsToFit ?? null, firstFit?.steps ?? null],
  ];
  for (const [k, have, want] of expect) if (have !== want) refuse(`${k} = ${JSON.stringify(have ?? null)}, but its history says ${JSON.stringify(want)}`);
  for (const k of ['trainError', 'testError'] as const) {
    const v = summary[k];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) refuse(`${k} = ${JSON.stringify(v ?? null)}, not an error rate in [0, 1]`);
  }
  const metrics = join(runDir, 'metrics.csv');
  let rows: string[];
  try {
    rows = readFileSync(metrics, 'utf8').trim().split('\n').slice(1);
  } catch (err) {
    throw fileError(err, 'read', metrics);
  }
  const columns = rows.map((line) => line.split(',').map(Number)); // epoch, steps, loss, train_error, lr, ms
  const agrees = columns.length === records.length && columns.every((c, i) => c[0] === records[i]!.epoch && c[1] === records[i]!.steps && c[3] === records[i]!.trainError);
  if (!agrees) refuse(`its history (${records.length} epochs, last train error ${String(last.trainError)}) differs from metrics.csv (${columns.length} rows${columns.length > 0 ? `, last train error ${String(columns[columns.length - 1]![3])}` : ''})`);
  return summary as unknown as FitResult;
}

function rowOf(o: RunOutcome, run: PlannedRun): RunRow {
  const r = o.result;
  return {
    name: o.name,
    dir: o.dir,
    tags: o.tags,
    status: o.status,
    ...(o.error !== undefined ? { error: o.error } : {}),
    model: run.config.model,
    randomization: run.config.randomization,
    p: r?.p ?? run.config.p ?? null,
    n: run.config.n,
    seed: run.config.seed,
    ...(run.config.modelSeed !== undefined ? { modelSeed: run.config.modelSeed } : {}),
    stepsToFit: r?.stepsToFit ?? null,
    epochs: r?.epochs ?? null,
    trainError: r?.trainError ?? null,
    testError: r?.testError ?? null,
    testErrorCorruptedLabels: r?.testErrorCorruptedLabels ?? null,
    labelsChanged: r?.labelsChanged ?? null,
    backend: r?.backend ?? null,
  };
}

/**
 * Measures and judges every claim of the plan's studies on the runs in `dir`.
 *
 * @param studies the plan's studies, loaded (in the plan's order)
 * @throws InputError when a run directory holds a run of another plan
 */
export async function evaluatePlan(plan: Plan, dir: string, studies: readonly LoadedStudy[]): Promise<{ results: PlanResults; outcomes: Map<string, RunOutcome[]> }> {
  const studyResults: StudyResult[] = [];
  const outcomes = new Map<string, RunOutcome[]>();
  const backends = new Set<string>();
  const threads = new Set<number>();
  const versions: Record<string, string> = {};
  const status = new Map<number, RunOutcome['status']>();
  for (const planned of plan.studies) {
    const loaded = studies.find((s) => s.study.id === planned.id);
    if (loaded === undefined) throw new Error(`study ${planned.id} of the plan was not loaded`);
    const { study } = loaded;
    const config = planned.config as never;
    const pairs = plan.runs.flatMap((run) => run.uses.filter((u) => u.study === study.id).map((use) => ({ run, use })));
    const runs = pairs.map(({ run, use }) => outcomeOf(dir, run, use));
    runs.forEach((o, i) => {
      const run = (pairs[i] as { run: PlannedRun }).run;
      status.set(run.index, o.status);
      if (o.result !== null) {
        backends.add(o.result.backend);
        if (typeof o.result.threads === 'number') threads.add(o.result.threads); // summaries from before threads were recorded have none
        Object.assign(versions, o.result.versions);
      }
    });
    outcomes.set(study.id, runs);
    const analysis = study.analyze !== undefined ? await study.analyze(config, plan.data) : {};
    const claims: ClaimResult[] = study.claims.map((c) => {
      let measured: { value: number | null; text: string };
      try {
        measured = c.measure(runs, config, analysis);
      } catch (err) {
        measured = { value: null, text: `could not be measured: ${(err as Error).message}` };
      }
      const value = measured.value !== null && Number.isFinite(measured.value) ? measured.value : null;
      const { verdict, missBy } = verdictOf(value, c.tolerance);
      return {
        study: study.id,
        name: c.name,
        paper: c.paper,
        measured: { value, text: measured.text },
        tolerance: { ...c.tolerance, text: formatTolerance(c.tolerance, c.unit) },
        scale: { profiles: c.scale.profiles, text: c.scale.text, expected: c.scale.profiles.includes(plan.profile) },
        unit: c.unit,
        verdict,
        missBy,
      };
    });
    studyResults.push({
      study: study.id,
      title: study.title,
      paper: study.paper,
      summary: study.summary,
      config: planned.config,
      overrides: planned.overrides,
      claims,
      runs: runs.map((o, i) => rowOf(o, (pairs[i] as { run: PlannedRun }).run)),
      tables: study.tables?.(runs, config, analysis) ?? [],
      analysis,
      confirmed: claims.every((c) => !c.scale.expected || c.verdict === 'confirmed'),
    });
  }
  const counts = { planned: plan.runs.length, finished: 0, failed: 0, missing: 0 };
  for (const run of plan.runs) counts[status.get(run.index) ?? 'missing']++;
  const claims = studyResults.flatMap((s) => s.claims);
  const results: PlanResults = {
    format: 'rethink-results-1',
    rethink: plan.rethink,
    planId: plan.id,
    profile: plan.profile,
    data: plan.data,
    backends: [...backends].sort(),
    versions: Object.fromEntries(Object.entries(versions).sort()),
    threads: [...threads].sort((a, b) => a - b),
    runs: counts,
    claims,
    studies: studyResults,
    confirmed: claims.every((c) => !c.scale.expected || c.verdict === 'confirmed'),
  };
  // Round-trip through JSON so that what is returned is exactly what results.json holds.
  return { results: JSON.parse(canonicalJsonPretty(results)) as PlanResults, outcomes };
}

/** JSON with sorted keys, indented (results.json compares byte for byte across machines). */
export function canonicalJsonPretty(value: unknown): string {
  return JSON.stringify(JSON.parse(canonicalJson(value)), null, 2) + '\n';
}

/** Creates a directory, turning a file-system error into one line. */
export function ensureDirectory(path: string): void {
  try {
    makeDirectory(path);
  } catch (err) {
    throw fileError(err, 'create', path);
  }
}
