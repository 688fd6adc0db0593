/**
 * `rethink reproduce`, `rethink experiment FILE`, `rethink run --plan FILE --index i`,
 * `rethink report DIR` (and `rethink figure1`, the three Figure 1 studies): the paper's empirical
 * claims re-run with one command — a plan written first, runs on a worker pool, verdicts, plots and
 * reports. Exit status: 0 every claim expected at this scale confirmed, 1 one is not (or a run
 * failed), 2 bad input, 130 interrupted (resumable).
 */
import { existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { InputError, InterruptedError } from '../errors.js';
import type { BackendName } from '../engine/names.js';
import { parseOverrides } from '../experiments/config.js';
import type { RunEvent } from '../experiments/execute.js';
import { buildPlan, readPlan, type LoadedStudy, type Plan, type PlannedRun } from '../experiments/plan.js';
import type { PlanResults } from '../experiments/results.js';
import type { RunLog } from '../experiments/report.js';
import { formatValue, type Profile } from '../experiments/study.js';
import { DirectoryRunStore, fileError, makeDirectory } from '../training/run-store.js';
import type { FitResult } from '../training/fit.js';
import { onlyWith, wrap, type Flags } from './args.js';
import { checkDataInside } from '../cluster/kubernetes.js';
import { executorChoice, executorFlagsText, refuseWhileQueued, runOnCluster } from './cluster.js';
import type { experimentFlags, reportFlags, reproduceFlags, runPlanFlags } from './commands.js';
import { INTERRUPTED_EXIT, flagsText, shellWord, whileInterruptible } from './interrupt.js';
import { acquireLock } from './lock.js';
import { version } from './main.js';
import type { Output } from './output.js';

type ReproduceFlags = Flags<typeof reproduceFlags>;

/** Where results go when no --out is given. */
export function defaultOut(name: string): string {
  return join('runs', name);
}

/** The label of a run in progress lines: its first study and name (and the other studies that use it). */
function label(run: PlannedRun): string {
  const [first, ...rest] = run.uses;
  return `${first?.study ?? '?'} · ${first?.name ?? run.dir}${rest.length > 0 ? ` (also ${[...new Set(rest.map((u) => u.study))].join(', ')})` : ''}`;
}

function outcomeText(r: FitResult): string {
  return `${r.stepsToFit !== null ? `fitted after ${r.stepsToFit} steps (${r.epochs} epochs)` : `not fitted in ${r.steps} steps (train error ${(100 * r.trainError).toFixed(1)}%)`}, test error ${(100 * r.testError).toFixed(1)}%`;
}

/** Progress a person can follow: a line per finished run, and on a terminal a status line with the runs in flight. */
function progressPrinter(out: Output, total: number, stream: NodeJS.WriteStream = process.stderr): { onEvent(e: RunEvent): void; clear(): void } {
  const tty = stream.isTTY === true;
  let done = 0;
  const flight = new Map<number, { label: string; epoch: number; step: number; steps: number; acc: number | null }>();
  let last = 0;
  let shown = false;
  const clear = (): void => {
    if (shown) stream.write('\r\x1b[K');
    shown = false;
  };
  const status = (): void => {
    const now = performance.now();
    if (now - last < (tty ? 250 : 30_000) || flight.size === 0) return;
    last = now;
    const text = [...flight.values()].map((f) => `${f.label}: epoch ${f.epoch}${f.steps > 0 ? ` (${f.step}/${f.steps})` : ''}${f.acc !== null ? `, train acc ${(100 * f.acc).toFixed(1)}%` : ''}`).join(' | ');
    if (tty) {
      stream.write(`\r\x1b[K  running: ${text.slice(0, (stream.columns ?? 120) - 12)}`);
      shown = true;
    } else out.info(`  running: ${text}`);
  };
  return {
    clear,
    onEvent(e) {
      const i = e.run.index;
      if (e.kind === 'kept') {
        done++;
        clear();
        out.info(`  [${done}/${total}] ${label(e.run)}: kept (finished earlier): ${outcomeText(e.result)}`);
      } else if (e.kind === 'start') {
        flight.set(i, { label: label(e.run), epoch: (e.resumedFromEpoch ?? 0) + 1, step: 0, steps: 0, acc: null });
        if (e.resumedFromEpoch !== null) {
          clear();
          out.info(`  ${label(e.run)}: continues from its checkpoint of epoch ${e.resumedFromEpoch}`);
        }
      } else if (e.kind === 'epoch') {
        const f = flight.get(i);
        if (f !== undefined) Object.assign(f, { epoch: e.epoch + 1, step: 0, acc: 1 - e.trainError });
        status();
      } else if (e.kind === 'step') {
        const f = flight.get(i);
        if (f !== undefined) Object.assign(f, { epoch: e.epoch, step: e.step, steps: e.stepsInEpoch });
        status();
      } else if (e.kind === 'done') {
        done++;
        flight.delete(i);
        clear();
        out.info(`  [${done}/${total}] ${label(e.run)}: ${outcomeText(e.result)} — ${(e.ms / 1000).toFixed(1)} s`);
      } else {
        done++;
        flight.delete(i);
        clear();
        out.error(`  [${done}/${total}] ${label(e.run)}: FAILED — ${e.message} (recorded in ${e.run.dir}/failure.json; --resume runs it again)`);
      }
    },
  };
}

/** The verdict table printed at the end. */
export function verdictTable(results: PlanResults): string {
  const rows = results.claims.map((c) => [
    c.study,
    c.name,
    formatValue(c.measured.value, c.unit),
    c.paper.value !== null ? `${formatValue(c.paper.value, c.unit)} (${c.paper.where})` : c.paper.where,
    c.tolerance.text,
    c.verdict === 'confirmed' ? 'confirmed' : c.scale.expected ? 'NOT CONFIRMED' : 'not confirmed (not expected at this scale)',
  ]);
  const head = ['study', 'claim', 'measured', 'paper', 'tolerance', 'verdict'];
  const widths = head.map((h, k) => Math.min(k === 1 ? 60 : 40, Math.max(h.length, ...rows.map((r) => (r[k] as string).length))));
  // A cell longer than its column wraps onto more lines of the row (a word longer than the column is cut).
  const cellLines = (s: string, w: number): string[] => wrap(s, w).split('\n').map((l) => (l.length > w ? `${l.slice(0, w - 1)}…` : l.padEnd(w)));
  const rowLines = (r: readonly string[]): string[] => {
    const cells = r.map((v, k) => cellLines(v, widths[k] as number));
    const height = Math.max(...cells.map((c) => c.length));
    return Array.from({ length: height }, (_, i) => cells.map((c, k) => c[i] ?? ' '.repeat(widths[k] as number)).join('  ').trimEnd());
  };
  const expected = results.claims.filter((c) => c.scale.expected);
  const confirmed = expected.filter((c) => c.verdict === 'confirmed').length;
  return [
    ...rowLines(head),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.flatMap(rowLines),
    '',
    `${confirmed} of ${expected.length} claims expected at the ${results.profile} profile confirmed${results.runs.failed + results.runs.missing > 0 ? `; ${results.runs.failed} runs failed, ${results.runs.missing} not run` : ''}.`,
  ].join('\n');
}

function writePlanFile(file: string, plan: Plan): void {
  try {
    writeFileSync(`${file}.tmp`, JSON.stringify(plan, null, 2) + '\n');
    renameSync(`${file}.tmp`, file);
  } catch (err) {
    throw fileError(err, 'write', file);
  }
}

/** Loads (and checks) the data the plan reads, before anything is written or trained. */
async function checkData(plan: Plan): Promise<void> {
  if (plan.data.source === 'synthetic') return;
  const { rawSource } = await import('../data/shared.js');
  rawSource(plan.data.source, plan.data.dataDir);
}

/** Evaluates the plan's runs in `dir` and writes every report; returns the results. */
async function report(plan: Plan, dir: string, studies: readonly LoadedStudy[], out: Output, json: boolean, extra: Record<string, unknown> = {}): Promise<PlanResults> {
  const { evaluatePlan } = await import('../experiments/results.js');
  const { writeReports } = await import('../experiments/report.js');
  const { results, outcomes } = await evaluatePlan(plan, dir, studies);
  const written = await writeReports(plan, dir, studies, results, outcomes);
  if (json) out.json({ ...results, files: [...written.files, ...written.plots], ...extra });
  else {
    out.table(verdictTable(results));
    out.table(`reports: ${join(dir, 'report.md')}, ${join(dir, 'report.html')} (plots in ${dir}/<study>/plots/; one per study in ${dir}/<study>/)`);
  }
  return results;
}

/**
 * The flags that define a plan, as given (`--profile`, `--data`, `--data-dir` resolved, `--backend`,
 * every `--set`): a printed continue or resubmit command carries them, so that running it gives the
 * same plan.
 *
 * @example
 * planFlagsText({ profile: 'full', data: 'mnist', set: ['epochs=3'] }); // '--profile full --data mnist --set epochs=3'
 */
export function planFlagsText(flags: ReproduceFlags): string {
  return flagsText({
    profile: flags.profile,
    data: flags.data,
    'data-dir': flags['data-dir'] !== undefined ? resolve(flags['data-dir']) : undefined,
    backend: flags.backend,
    set: flags.set,
  });
}

/** What reproduce, experiment and figure1 share once their studies are chosen. */
async function reproduceStudies(studies: LoadedStudy[], flags: ReproduceFlags, outDefault: string, command: string, out: Output): Promise<number> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const profile: Profile = (flags.profile as Profile | undefined) ?? 'quick';
  onlyWith(flags['data-dir'] !== undefined, flags.data === 'cifar10' || (flags.data === undefined && profile === 'full'), `--data-dir is for --data cifar10 (got --data ${flags.data ?? 'mnist'})`);
  const data = flags.data ?? (profile === 'full' ? 'cifar10' : 'mnist');
  if (data === 'cifar10' && flags['data-dir'] === undefined) {
    throw new InputError(`${profile === 'full' && flags.data === undefined ? 'the full profile trains on CIFAR-10 (the paper\'s data): ' : ''}--data cifar10 needs --data-dir DIR with data_batch_1..5.bin and test_batch.bin (the CIFAR-10 binary version)${profile === 'full' && flags.data === undefined ? ', or give --data mnist' : ''}`);
  }
  const choice = executorChoice(flags); // a flag of another executor, or a bad value, is refused before anything is written
  const dir = resolve(flags.out ?? outDefault);
  const planFile = join(dir, 'plan.json');
  const overrides = parseOverrides(flags.set ?? []);
  const backend: BackendName = (flags.backend as BackendName | undefined) ?? 'auto';
  const plan = buildPlan(studies, { profile, data: data as Plan['data']['source'], dataDir: flags['data-dir'] !== undefined ? resolve(flags['data-dir']) : null, backend, overrides, version: version() });
  // One writer per results directory: a second reproduce on it is refused until this one ends.
  const lock = acquireLock(dir, `rethink ${command} ${flagsText({ ...flags, only: undefined })}`, out.info, 'the results directory');
  try {
    if (existsSync(planFile)) {
      const held = readPlan(planFile, version());
      if (held.id !== plan.id) {
        throw new InputError(`--out ${dir} holds the results of another plan (${held.studies.map((s) => s.id).join(', ')}, profile ${held.profile}, data ${held.data.source}${held.studies.some((s) => s.overrides.length > 0) ? `, --set ${[...new Set(held.studies.flatMap((s) => s.overrides))].join(' ')}` : ''}); choose another --out, or rerun that plan with its own flags (rethink report ${dir} reports it)`);
      }
      if (flags.resume !== true && flags['plan-only'] !== true) {
        throw new InputError(`--out ${dir} already holds this plan's runs; continue them with --resume (finished runs are kept), or choose another --out`);
      }
      if (flags['plan-only'] !== true) await refuseWhileQueued(dir, out); // two writers of the same run directories
    } else {
      if (flags.resume === true) throw new InputError(`--resume: ${dir} holds no plan.json, so there is nothing to continue; start without --resume`);
      if (existsSync(dir) && new DirectoryRunStore(dir).state().started) {
        throw new InputError(`--out ${dir} holds a training run (rethink fit's config.json, checkpoints, summary), not a plan's results; choose another --out (nothing there is replaced)`);
      }
      if (existsSync(join(dir, 'runs')) && readdirSync(join(dir, 'runs')).length > 0) {
        throw new InputError(`--out ${dir} holds runs but no plan.json; choose another --out (nothing there is replaced)`);
      }
    }
    if (choice.executor === 'kubernetes') checkDataInside(plan, dir); // the pods see only the volume
    await checkData(plan); // a missing CIFAR-10 directory is refused before anything is written
    try {
      makeDirectory(dir);
    } catch (err) {
      throw fileError(err, 'create', dir);
    }
    writePlanFile(planFile, plan);
    const perStudy = plan.studies.map((s) => `${s.id} ${plan.runs.filter((r) => r.uses.some((u) => u.study === s.id)).length}`).join(', ');
    out.info(`plan: ${plan.runs.length} runs (${perStudy}; shared runs counted once) of the ${profile} profile on ${data}, written to ${planFile}`);
    const continueCommand = [`rethink ${command} --out ${shellWord(dir)} --resume`, planFlagsText(flags)].filter((p) => p !== '').join(' ');
    if (choice.executor !== 'local') {
      return runOnCluster(
        {
          plan,
          dir,
          flags,
          out,
          choice,
          resumeCommand: `${continueCommand} ${executorFlagsText(flags)}`,
          label,
          outcome: outcomeText,
          report: (extra) => report(plan, dir, studies, out, flags.json === true, extra),
        },
        flags['plan-only'] === true,
      );
    }
    if (flags['plan-only'] === true) {
      const lines = [
        `plan ${plan.id}: ${plan.runs.length} runs in ${dir}`,
        `run one:   rethink run --plan ${planFile} --index i   (i = 0 … ${plan.runs.length - 1}; any machine that sees ${dir})`,
        `report:    rethink report ${dir}`,
        `or all:    ${continueCommand}`,
      ];
      if (flags.json === true) out.json({ plan: planFile, id: plan.id, runs: plan.runs.length, studies: plan.studies.map((s) => s.id) });
      else out.table(lines.join('\n'));
      return 0;
    }
    const { availableParallelism } = await import('node:os');
    const jobs = flags.jobs ?? availableParallelism();
    out.info(`${jobs} worker${jobs === 1 ? '' : 's'}; a line per finished run (results in ${dir}/runs/)`);
    const { executePlan } = await import('../experiments/execute.js');
    const progress = progressPrinter(out, plan.runs.length);
    try {
      await whileInterruptible((signal) => executePlan(plan, dir, { jobs, backend, signal, onEvent: progress.onEvent }));
    } catch (err) {
      progress.clear();
      if (err instanceof InterruptedError) {
        out.error(`interrupted; finished runs and checkpoints are kept; continue with: ${continueCommand}`);
        return INTERRUPTED_EXIT;
      }
      throw err;
    }
    progress.clear();
    const log: RunLog = { startedAt, wallMs: Math.round(performance.now() - t0), jobs, loadAverage: loadavg(), command: `rethink ${command}` };
    try {
      writeFileSync(join(dir, 'reproduce.json'), JSON.stringify(log, null, 2) + '\n');
    } catch (err) {
      throw fileError(err, 'write', join(dir, 'reproduce.json'));
    }
    const results = await report(plan, dir, studies, out, flags.json === true);
    out.info(`wall time ${(log.wallMs / 1000).toFixed(0)} s`);
    return results.confirmed && results.runs.failed === 0 && results.runs.missing === 0 ? 0 : 1;
  } finally {
    lock.release();
  }
}

/** `rethink reproduce`: every shipped study (or `--only` some), planned, run, judged and reported. */
export async function runReproduce(flags: ReproduceFlags, out: Output): Promise<number> {
  const only = flags.only !== undefined ? flags.only.split(',').map((s) => s.trim()).filter((s) => s !== '') : null;
  if (only !== null && only.length === 0) throw new InputError('--only needs study ids, comma-separated (e.g. --only fig1a,fig1c)');
  const twice = only?.find((id, i) => only.indexOf(id) !== i);
  if (twice !== undefined) throw new InputError(`--only names '${twice}' twice: list each study once (--only ${[...new Set(only)].join(',')})`);
  const { loadBuiltinStudies } = await import('../experiments/load.js');
  const studies = await loadBuiltinStudies(only);
  return reproduceStudies(studies, flags, defaultOut(`reproduce-${flags.profile ?? 'quick'}`), 'reproduce' + (only !== null ? ` --only ${only.join(',')}` : ''), out);
}

/** `rethink figure1`: the three Figure 1 studies (fig1a, fig1b, fig1c) — `rethink reproduce --only fig1a,fig1b,fig1c`. */
export async function runFigure1(flags: Flags<typeof experimentFlags>, out: Output): Promise<number> {
  const { loadBuiltinStudies } = await import('../experiments/load.js');
  return reproduceStudies(await loadBuiltinStudies(['fig1a', 'fig1b', 'fig1c']), flags, defaultOut(`figure1-${flags.profile ?? 'quick'}`), 'figure1', out);
}

/** `rethink experiment FILE`: a user's study file, run like a shipped one. */
export async function runExperiment(flags: Flags<typeof experimentFlags>, out: Output, operands: readonly string[]): Promise<number> {
  const file = operands[0];
  if (file === undefined) throw new InputError('give the study file: rethink experiment ./my-study.ts (its default export: study({...}))');
  const { loadStudyFile } = await import('../experiments/load.js');
  const study = await loadStudyFile(file);
  return reproduceStudies([{ study, file: resolve(file) }], flags, defaultOut(study.id), `experiment ${shellWord(file)}`, out);
}

/** `rethink run --plan FILE --index i`: one run of a plan, in this process (the unit a cluster task runs). */
export async function runPlanIndex(flags: Flags<typeof runPlanFlags>, out: Output): Promise<number> {
  if (flags.plan === undefined) throw new InputError('--plan FILE is required (the plan.json that rethink reproduce --plan-only wrote)');
  if (flags.index === undefined) throw new InputError('--index i is required (which run of the plan: 0 … runs − 1)');
  const planFile = resolve(flags.plan);
  const plan = readPlan(planFile, version());
  if (flags.index >= plan.runs.length) throw new InputError(`--index ${flags.index}: the plan has ${plan.runs.length} runs (0 … ${plan.runs.length - 1})`);
  const run = plan.runs[flags.index] as PlannedRun;
  const dir = dirname(planFile);
  // One writer per run directory (not per results directory: the runs of a plan go on in parallel).
  const lock = acquireLock(join(dir, run.dir), `rethink run --plan ${planFile} --index ${flags.index}`, out.info, 'the run directory');
  try {
    await checkData(plan);
    const { executePlan } = await import('../experiments/execute.js');
    let failed: string | null = null;
    let result: FitResult | undefined;
    try {
      const results = await whileInterruptible((signal) =>
        executePlan(plan, dir, {
          jobs: 0,
          indices: [flags.index as number],
          ...(flags.backend !== undefined ? { backend: flags.backend as BackendName } : {}),
          signal,
          onEvent: (e) => {
            if (e.kind === 'kept') out.info(`${label(run)}: finished earlier, kept (${join(dir, run.dir)})`);
            if (e.kind === 'start' && e.resumedFromEpoch !== null) out.info(`${label(run)}: continues from its checkpoint of epoch ${e.resumedFromEpoch}`);
            if (e.kind === 'epoch') out.info(`  epoch ${e.epoch}: train error ${(100 * e.trainError).toFixed(2)}%`);
            if (e.kind === 'failed') failed = e.message;
          },
        }),
      );
      result = results.get(run.index);
    } catch (err) {
      if (err instanceof InterruptedError) {
        const kept = new DirectoryRunStore(join(dir, run.dir)).state().checkpointEpoch;
        const again = `rethink run --plan ${shellWord(planFile)} --index ${flags.index}${flags.backend !== undefined ? ` --backend ${flags.backend}` : ''}`;
        out.error(kept !== null ? `interrupted; the checkpoint of epoch ${kept} is kept; continue with: ${again}` : `interrupted before the run's first checkpoint (nothing to keep yet); start it again with: ${again}`);
        return INTERRUPTED_EXIT;
      }
      throw err;
    }
    if (failed !== null || result === undefined) {
      out.error(`rethink run: run ${flags.index} (${label(run)}) failed: ${failed ?? 'no result'} (recorded in ${join(dir, run.dir)}/failure.json)`);
      return 1;
    }
    if (flags.json === true) out.json({ index: run.index, dir: join(dir, run.dir), uses: run.uses, ...result });
    else out.table(`${label(run)}: ${outcomeText(result)} (${join(dir, run.dir)})`);
    return 0;
  } finally {
    lock.release();
  }
}

/** `rethink report DIR`: the verdicts and reports from whatever run directories exist. */
export async function runReport(flags: Flags<typeof reportFlags>, out: Output, operands: readonly string[]): Promise<number> {
  const dirArg = operands[0];
  if (dirArg === undefined) throw new InputError('give the results directory: rethink report DIR (the --out of rethink reproduce, with its plan.json)');
  const dir = resolve(dirArg);
  const plan = readPlan(join(dir, 'plan.json'), version());
  const { loadPlannedStudies } = await import('../experiments/load.js');
  const studies = await loadPlannedStudies(plan.studies);
  const results = await report(plan, dir, studies, out, flags.json === true);
  if (results.runs.finished < results.runs.planned) out.info(`note: ${results.runs.planned - results.runs.finished} of ${results.runs.planned} runs have no summary.json yet (failed or not run): claims that need them are not confirmed`);
  return results.confirmed && results.runs.finished === results.runs.planned ? 0 : 1;
}
