/**
 * `rethink reproduce --executor slurm|kubernetes`: the plan's runs handed to a cluster's own
 * scheduler instead of the local worker pool — Slurm as ONE job array, Kubernetes as an Indexed Job
 * — with the same run directories as a result, so `rethink report DIR` gives the same results.json
 * whichever engine ran them. The flags are checked here before anything is written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { runState } from '../experiments/execute.js';
import type { Plan, PlannedRun } from '../experiments/plan.js';
import type { PlanResults } from '../experiments/results.js';
import type { FitResult } from '../training/fit.js';
import { packageRoot } from '../workers/paths.js';
import { applyJob, indexedJob, jobName, waitForJob, writeManifest, type KubernetesOptions } from '../cluster/kubernetes.js';
import { checkGres, checkPartition, checkSbatchLine, checkTime, parseMemory } from '../cluster/resources.js';
import { arraySpec, sbatch, slurmScript, stillQueued, waitForArray, writeSlurmScript, type SlurmOptions } from '../cluster/slurm.js';
import { readSubmissions, recordSubmission, slurmLog, type Submission } from '../cluster/submissions.js';
import type { Flags } from './args.js';
import type { EXECUTORS, reproduceFlags } from './commands.js';
import { INTERRUPTED_EXIT, whileInterruptible } from './interrupt.js';
import type { Output } from './output.js';

type ReproduceFlags = Flags<typeof reproduceFlags>;

/** An executor and its checked options. */
export type ExecutorChoice =
  | { readonly executor: 'local' }
  | { readonly executor: 'slurm'; readonly slurm: SlurmOptions }
  | { readonly executor: 'kubernetes'; readonly kubernetes: Omit<KubernetesOptions, 'name'> };

const SLURM_ONLY = ['partition', 'time', 'gres', 'sbatch', 'requeue'] as const;
const KUBERNETES_ONLY = ['image', 'pvc', 'pvc-path', 'namespace', 'gpus', 'apply'] as const;
const CLUSTER = ['wait', 'parallel', 'cpus', 'mem'] as const;

/**
 * Checks the executor flags together (a flag of another executor is refused, not ignored) and
 * returns the executor's options.
 *
 * @throws InputError naming the flag and the executor it belongs to, or a bad value
 * @example
 * executorChoice({ executor: 'slurm', partition: 'gpu', gres: 'gpu:1' }); // { executor: 'slurm', slurm: { partition: 'gpu', gres: 'gpu:1' } }
 */
export function executorChoice(flags: ReproduceFlags): ExecutorChoice {
  const executor: (typeof EXECUTORS)[number] = flags.executor ?? 'local';
  const given = (k: string): boolean => (flags as Record<string, unknown>)[k] !== undefined;
  const refuse = (names: readonly string[], owner: string): void => {
    const f = names.find(given);
    if (f !== undefined) throw new InputError(`--${f} is for --executor ${owner}${executor === 'local' && flags.executor === undefined ? ' (the runs execute here: --executor local)' : ` (got --executor ${executor})`}`);
  };
  if (executor === 'local') {
    refuse(SLURM_ONLY, 'slurm');
    refuse(KUBERNETES_ONLY, 'kubernetes');
    refuse(CLUSTER, 'slurm or kubernetes');
    return { executor };
  }
  if (flags.jobs !== undefined) throw new InputError(`--jobs sets the local pool's workers; with --executor ${executor} each run is a task of its own: --parallel P limits how many run at once`);
  const mem = flags.mem !== undefined ? parseMemory(flags.mem) : undefined;
  const common = { ...(flags.parallel !== undefined ? { parallel: flags.parallel } : {}), ...(flags.cpus !== undefined ? { cpus: flags.cpus } : {}), ...(mem !== undefined ? { mem } : {}) };
  if (executor === 'slurm') {
    refuse(KUBERNETES_ONLY, 'kubernetes');
    return {
      executor,
      slurm: {
        ...common,
        ...(flags.partition !== undefined ? { partition: checkPartition(flags.partition) } : {}),
        ...(flags.time !== undefined ? { time: checkTime(flags.time) } : {}),
        ...(flags.gres !== undefined ? { gres: checkGres(flags.gres) } : {}),
        ...(flags.sbatch !== undefined ? { sbatch: flags.sbatch.map(checkSbatchLine) } : {}),
        ...(flags.requeue === true ? { requeue: true } : {}),
      },
    };
  }
  refuse(SLURM_ONLY, 'slurm');
  if (flags.image === undefined) throw new InputError('--executor kubernetes needs --image IMAGE: a container image with rethink installed (docker build -t IMAGE . in the package builds one from its Dockerfile)');
  if (flags.pvc === undefined) throw new InputError('--executor kubernetes needs --pvc CLAIM: the PersistentVolumeClaim that holds the results directory (the pods mount it at the --out path)');
  if (flags.wait === true && flags.apply !== true) throw new InputError('--wait is for a Job that was submitted: add --apply (or apply the manifest with kubectl and follow it with kubectl get job)');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(flags.pvc)) throw new InputError(`--pvc ${flags.pvc}: a claim name is lower-case letters, digits and '-' (kubectl get pvc lists them)`);
  const namespace = flags.namespace ?? 'default';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) throw new InputError(`--namespace ${namespace}: a namespace is lower-case letters, digits and '-'`);
  if (flags['pvc-path'] !== undefined && (flags['pvc-path'].startsWith('/') || flags['pvc-path'].split('/').includes('..'))) throw new InputError(`--pvc-path ${flags['pvc-path']}: a relative path inside the volume, without '..' (e.g. --pvc-path experiments/full)`);
  return {
    executor,
    kubernetes: {
      ...common,
      image: flags.image,
      pvc: flags.pvc,
      namespace,
      ...(flags['pvc-path'] !== undefined ? { pvcPath: flags['pvc-path'] } : {}),
      ...(flags.gpus !== undefined ? { gpus: flags.gpus } : {}),
    },
  };
}

/**
 * The executor flags as they were given, to repeat them in a suggested command.
 *
 * @example
 * executorFlagsText({ executor: 'slurm', wait: true, partition: 'gpu' }); // '--executor slurm --wait --partition gpu'
 */
export function executorFlagsText(flags: ReproduceFlags): string {
  const parts: string[] = [];
  for (const k of ['executor', ...CLUSTER, ...SLURM_ONLY, ...KUBERNETES_ONLY] as const) {
    const v = (flags as Record<string, unknown>)[k];
    if (v === undefined) continue;
    if (v === true) parts.push(`--${k}`);
    else if (Array.isArray(v)) parts.push(...v.map((x: string) => `--${k} ${x.includes(' ') ? `'${x}'` : x}`));
    else parts.push(`--${k} ${String(v)}`);
  }
  return parts.join(' ');
}

/**
 * Refuses to go on while a Slurm job of this results directory still has tasks queued or running:
 * two submissions would write the same run directories at once.
 *
 * @throws InputError naming the job and how to wait for it or cancel it
 * @example
 * await refuseWhileQueued('/scratch/full', out);
 */
export async function refuseWhileQueued(dir: string, out: Output): Promise<void> {
  const subs = readSubmissions(dir).filter((s) => s.engine === 'slurm');
  if (subs.length === 0) return;
  let busy: Awaited<ReturnType<typeof stillQueued>>;
  try {
    busy = await stillQueued(subs);
  } catch (err) {
    if (err instanceof InputError && /not on PATH/.test(err.message)) {
      out.info(`note: ${dir} was submitted to Slurm (job ${subs.map((s) => s.id).join(', ')}) and squeue is not here to tell whether those tasks are done; make sure they are before going on`);
      return;
    }
    throw err;
  }
  const first = busy[0];
  if (first !== undefined) {
    throw new InputError(`${dir} is still being written by Slurm job ${first.submission.id} (${first.queued} task${first.queued === 1 ? '' : 's'} queued or running); wait for it (squeue -j ${first.submission.id}) or cancel it (scancel ${first.submission.id}), then --resume`);
  }
}

/** What a cluster executor needs from the command that planned the runs. */
export interface ClusterRun {
  readonly plan: Plan;
  readonly dir: string;
  readonly flags: ReproduceFlags;
  readonly out: Output;
  readonly choice: Exclude<ExecutorChoice, { executor: 'local' }>;
  /** the command that resubmits what did not finish */
  readonly resumeCommand: string;
  /** the label of a run in progress lines */
  label(run: PlannedRun): string;
  /** a finished run in words */
  outcome(r: FitResult): string;
  /** evaluates the runs in DIR, prints and writes the reports (the JSON output gets `extra`) */
  report(extra: Record<string, unknown>): Promise<PlanResults>;
}

/** Poll interval of --wait: 5 s (a cluster's controller is shared); RETHINK_POLL_MS overrides it (the tests poll faster). */
function pollMs(): number {
  const v = Number(process.env.RETHINK_POLL_MS);
  return Number.isFinite(v) && v >= 50 ? v : 5000;
}

function readSummary(dir: string, run: PlannedRun): FitResult | null {
  try {
    return JSON.parse(readFileSync(join(dir, run.dir, 'summary.json'), 'utf8')) as FitResult;
  } catch {
    return null;
  }
}

function failureMessage(dir: string, run: PlannedRun): string | null {
  const f = join(dir, run.dir, 'failure.json');
  if (!existsSync(f)) return null;
  try {
    return (JSON.parse(readFileSync(f, 'utf8')) as { message?: string }).message ?? null;
  } catch {
    return null;
  }
}

/**
 * Runs the plan's unfinished runs on the chosen cluster: submits them (or, with --plan-only, only
 * writes the script), then either returns with the job and the commands to follow it, or waits,
 * printing each task's progress, lists the tasks that failed with their logs, and reports.
 *
 * @returns the exit status: 0 submitted (or, waited, every claim confirmed and every run finished), 1 not, 130 interrupted
 * @example
 * return runOnCluster({ plan, dir, flags, out, choice, resumeCommand, label, outcome, report });
 */
export async function runOnCluster(c: ClusterRun, planOnly: boolean): Promise<number> {
  const todo = c.plan.runs.filter((r) => runState(c.dir, r).finished === null).map((r) => r.index);
  if (todo.length === 0) {
    c.out.info(`every run of the plan in ${c.dir} has its summary.json: nothing to submit`);
    if (planOnly) return 0;
    const results = await c.report({ executor: c.choice.executor, submitted: null });
    return results.confirmed ? 0 : 1;
  }
  return c.choice.executor === 'slurm' ? onSlurm(c, c.choice.slurm, todo, planOnly) : onKubernetes(c, c.choice.kubernetes, todo, planOnly);
}

async function onSlurm(c: ClusterRun, options: SlurmOptions, todo: number[], planOnly: boolean): Promise<number> {
  const { plan, dir, out, flags } = c;
  const script = slurmScript({ plan, dir, indices: todo, options, rethink: [process.execPath, join(packageRoot(), 'bin', 'rethink.js')] });
  const file = writeSlurmScript(dir, script);
  if (planOnly) {
    if (flags.json === true) out.json({ plan: join(dir, 'plan.json'), id: plan.id, runs: plan.runs.length, executor: 'slurm', script: file, submit: `sbatch ${file}` });
    else out.table([`plan ${plan.id}: ${plan.runs.length} runs in ${dir}`, `batch script (${todo.length} tasks, not submitted): ${file}`, `submit it:  sbatch ${file}`, `report:     rethink report ${dir}`].join('\n'));
    return 0;
  }
  const jobId = await sbatch(file);
  const submission: Submission = { engine: 'slurm', id: jobId, indices: todo, file, logs: join(dir, 'slurm', 'logs', `${jobId}_%a.out`), submittedAt: new Date().toISOString() };
  recordSubmission(dir, submission);
  out.info(`submitted Slurm job array ${jobId}: ${todo.length} task${todo.length === 1 ? '' : 's'} (runs ${arraySpec(todo, options.parallel)}), script ${file}, logs ${join(dir, 'slurm', 'logs', `${jobId}_<run>.out`)}`);
  if (flags.wait !== true) {
    if (flags.json === true) out.json({ executor: 'slurm', job: jobId, tasks: todo.length, indices: todo, script: file, logs: submission.logs, report: `rethink report ${dir}`, resume: c.resumeCommand });
    else out.table([`job ${jobId}: ${todo.length} tasks; follow them with: squeue -j ${jobId}`, `when they are done:  rethink report ${dir}`, `runs that did not finish are resubmitted by: ${c.resumeCommand}`].join('\n'));
    return 0;
  }
  const total = todo.length;
  let done = 0;
  let lastStatus = 0;
  const tty = process.stderr.isTTY === true;
  const failed: { index: number; state: string; detail: string; log: string | null; message: string | null }[] = [];
  const ended = await whileInterruptible((signal) =>
    waitForArray(submission, dir, plan, {
      pollMs: pollMs(),
      signal,
      onEvent: (e) => {
        const run = plan.runs[e.kind === 'poll' ? 0 : e.index] as PlannedRun;
        if (e.kind === 'state') {
          if (e.state === 'RUNNING') out.info(`  task ${e.index} (${c.label(run)}): running`);
          else if (e.state !== 'PENDING') out.info(`  task ${e.index} (${c.label(run)}): ${e.state}${e.detail !== '' && e.detail !== 'None' ? ` (${e.detail})` : ''}`);
        } else if (e.kind === 'ended') {
          done++;
          if (e.finished) {
            const s = readSummary(dir, run);
            out.info(`  [${done}/${total}] task ${e.index} (${c.label(run)}): ${s !== null ? c.outcome(s) : 'finished'}`);
          } else {
            const f = { index: e.index, state: e.state, detail: e.detail, log: slurmLog(submission, e.index), message: failureMessage(dir, run) };
            failed.push(f);
            out.error(`  [${done}/${total}] task ${e.index} (${c.label(run)}): FAILED — ${e.state}${e.detail !== '' ? `, exit ${e.detail}` : ''}${f.message !== null ? `: ${f.message}` : ''}; log ${f.log}`);
          }
        } else {
          const now = performance.now();
          if (now - lastStatus < (tty ? 0 : 30_000)) return;
          lastStatus = now;
          const running = [...e.epochs].map(([i, ep]) => `task ${i} epoch ${ep + 1}`);
          const pending = [...e.queued.values()].filter((t) => t.state === 'PENDING');
          const reasons = [...new Set(pending.map((t) => t.detail).filter((r) => r !== '' && r !== 'None'))];
          out.info(`  job ${jobId}: ${done}/${total} done${running.length > 0 ? `; running ${running.join(', ')}` : ''}${pending.length > 0 ? `; ${pending.length} pending${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}` : ''}`);
        }
      },
    }),
  );
  if (ended.size < todo.length) {
    out.error(`stopped waiting; job ${jobId} goes on (squeue -j ${jobId}); when it is done: rethink report ${dir}`);
    return INTERRUPTED_EXIT;
  }
  const results = await c.report({ executor: 'slurm', job: jobId, failed });
  if (failed.length > 0) {
    out.error(`${failed.length} of ${total} tasks did not finish (${failed.map((f) => `task ${f.index}: ${f.state}, log ${f.log}`).join('; ')}); resubmit them with: ${c.resumeCommand}`);
  }
  return results.confirmed && failed.length === 0 && results.runs.finished === results.runs.planned ? 0 : 1;
}

async function onKubernetes(c: ClusterRun, options: Omit<KubernetesOptions, 'name'>, todo: number[], planOnly: boolean): Promise<number> {
  const { plan, dir, out, flags } = c;
  const { file, job } = await writeManifest(dir, (k) => indexedJob(plan, dir, todo, { ...options, name: jobName(plan.id, k) }));
  const name = job.metadata?.name as string;
  const ns = options.namespace;
  if (flags.apply !== true || planOnly) {
    if (flags.json === true) out.json({ executor: 'kubernetes', manifest: file, job: `${ns}/${name}`, tasks: todo.length, indices: todo, applied: false });
    else
      out.table(
        [
          `Indexed Job ${ns}/${name}: ${todo.length} pods (completion index k runs run ${todo.length === plan.runs.length ? 'k' : 'k of the list in the manifest'}), manifest ${file}`,
          `the pods mount claim ${options.pvc}${options.pvcPath !== undefined ? ` (path ${options.pvcPath})` : ''} at ${dir}: plan.json must be there — copy ${dir} to the volume if it is not the volume`,
          `submit it:  kubectl apply -f ${file}   (or add --apply)`,
          `follow it:  kubectl get job -n ${ns} ${name}; when it is done: rethink report ${dir} (where the volume is mounted)`,
        ].join('\n'),
      );
    return 0;
  }
  await applyJob(job);
  recordSubmission(dir, { engine: 'kubernetes', id: `${ns}/${name}`, indices: todo, file, submittedAt: new Date().toISOString() });
  out.info(`submitted Kubernetes Job ${ns}/${name}: ${todo.length} pods, manifest ${file}`);
  if (flags.wait !== true) {
    if (flags.json === true) out.json({ executor: 'kubernetes', manifest: file, job: `${ns}/${name}`, tasks: todo.length, indices: todo, applied: true, report: `rethink report ${dir}` });
    else out.table([`follow it:  kubectl get job -n ${ns} ${name}`, `when it is done:  rethink report ${dir}`, `runs that did not finish are resubmitted by: ${c.resumeCommand}`].join('\n'));
    return 0;
  }
  const r = await whileInterruptible((signal) =>
    waitForJob(ns, name, {
      pollMs: pollMs(),
      signal,
      onEvent: (e) => out.info(`  job ${name}: ${e.completed.length}/${todo.length} done, ${e.active} running${e.failed.length > 0 ? `, failed indexes ${e.failed.join(',')}` : ''}`),
    }),
  );
  if (!r.done) {
    out.error(`stopped waiting; Job ${ns}/${name} goes on (kubectl get job -n ${ns} ${name}); when it is done: rethink report ${dir}`);
    return INTERRUPTED_EXIT;
  }
  const failed = r.failed.map((k) => ({ index: todo[k] as number, logs: `kubectl logs -n ${ns} -l job-name=${name},batch.kubernetes.io/job-completion-index=${k}` }));
  const results = await c.report({ executor: 'kubernetes', job: `${ns}/${name}`, failed });
  if (failed.length > 0) out.error(`${failed.length} of ${todo.length} pods failed (${failed.map((f) => `run ${f.index}: ${f.logs}`).join('; ')}); resubmit them with: ${c.resumeCommand}`);
  return results.confirmed && failed.length === 0 && results.runs.finished === results.runs.planned ? 0 : 1;
}
