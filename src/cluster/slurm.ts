/**
 * The Slurm executor: a plan's runs as ONE job array. The batch script's task i runs
 * `rethink run --plan DIR/plan.json --index i` — the array index is the run's index, so resubmitting
 * some runs is an array of just those indices (`--array=1,5-7`). Every task writes its run directory
 * under DIR, as the local pool does, so `rethink report DIR` gives the same results.json whichever
 * ran it. Waiting polls `squeue` (tasks queued or running) and, for tasks that left the queue,
 * `sacct` — or `scontrol show job` where the cluster keeps no accounting database — while the run
 * directories say how far each run got (metrics.csv) and whether it finished (summary.json).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { fileError } from '../training/run-store.js';
import type { Plan } from '../experiments/plan.js';
import { engineMessage, pause, runTool } from './engine.js';
import { slurmMemory, type Memory } from './resources.js';
import { readSubmissions, type Submission } from './submissions.js';

/** What each task asks Slurm for, and how the array is run. */
export interface SlurmOptions {
  readonly partition?: string;
  /** time limit per task, in Slurm's format (`2:00:00`) */
  readonly time?: string;
  /** CPUs per task (default 1) */
  readonly cpus?: number;
  readonly mem?: Memory;
  /** generic resources per task (`gpu:1`) */
  readonly gres?: string;
  /** extra sbatch options, one per `#SBATCH` line */
  readonly sbatch?: readonly string[];
  /** a preempted or failed-node task goes back to the queue and resumes from its checkpoint */
  readonly requeue?: boolean;
  /** at most this many tasks at once (`%P`; default: no limit) */
  readonly parallel?: number;
}

const MISSING = "Slurm's client commands (sbatch, squeue) must be on PATH: run this on a login node of the cluster";

/**
 * A job-array specification: the indices as ranges, and `%P` when at most P run at once.
 *
 * @example
 * arraySpec([0, 1, 2, 3]);       // '0-3'
 * arraySpec([1, 5, 6, 7, 9], 2); // '1,5-7,9%2'
 */
export function arraySpec(indices: readonly number[], parallel?: number): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let k = 0; k < sorted.length; ) {
    let j = k;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(j > k ? `${sorted[k]}-${sorted[j]}` : String(sorted[k]));
    k = j + 1;
  }
  return parts.join(',') + (parallel !== undefined ? `%${parallel}` : '');
}

/** Quotes a word for bash. */
const sh = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * The batch script of a job array over some of a plan's runs: `#SBATCH` lines (name, array, logs,
 * working directory, resources, requeue, the extra lines), then `exec rethink run --plan … --index
 * $SLURM_ARRAY_TASK_ID`.
 *
 * @param args.rethink the command that starts rethink on a compute node (e.g. `[node, …/bin/rethink.js]`)
 * @example
 * slurmScript({ plan, dir: '/scratch/full', indices: [0, 1, 2], options: { partition: 'gpu', gres: 'gpu:1', time: '4:00:00' }, rethink: ['/usr/bin/node', '/opt/rethink/bin/rethink.js'] });
 */
export function slurmScript(args: { plan: Plan; dir: string; indices: readonly number[]; options: SlurmOptions; rethink: readonly string[] }): string {
  const { plan, dir, options: o } = args;
  if (/[\s'"\\$`]/.test(dir)) throw new InputError(`--out ${dir}: a results directory for Slurm must not hold spaces, quotes, '\\', '$' or '\`' (#SBATCH lines cannot quote them); choose another --out`);
  const lines = [
    '#!/bin/bash',
    `# rethink plan ${plan.id} (${plan.runs.length} runs, profile ${plan.profile}): task i runs run i of ${dir}/plan.json.`,
    '# Written by rethink reproduce --executor slurm; submit it again with: sbatch THIS_FILE',
    `#SBATCH --job-name=rethink-${plan.id.slice(0, 8)}`,
    `#SBATCH --array=${arraySpec(args.indices, o.parallel)}`,
    `#SBATCH --output=${dir}/slurm/logs/%A_%a.out`,
    '#SBATCH --open-mode=append',
    `#SBATCH --chdir=${dir}`,
    '#SBATCH --ntasks=1',
    `#SBATCH --cpus-per-task=${o.cpus ?? 1}`,
    ...(o.partition !== undefined ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.time !== undefined ? [`#SBATCH --time=${o.time}`] : []),
    ...(o.mem !== undefined ? [`#SBATCH --mem=${slurmMemory(o.mem)}`] : []),
    ...(o.gres !== undefined ? [`#SBATCH --gres=${o.gres}`] : []),
    o.requeue === true ? '#SBATCH --requeue' : '#SBATCH --no-requeue',
    ...(o.sbatch ?? []).map((l) => `#SBATCH ${l}`),
    'set -eu',
    'echo "rethink: run $SLURM_ARRAY_TASK_ID of the plan, job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}, on $(hostname) at $(date -Is)${SLURM_RESTART_COUNT:+ (restart $SLURM_RESTART_COUNT: the run continues from its checkpoint)}"',
    `exec ${args.rethink.map(sh).join(' ')} run --plan ${sh(join(dir, 'plan.json'))} --index "$SLURM_ARRAY_TASK_ID"`,
    '',
  ];
  return lines.join('\n');
}

/**
 * Writes the batch script to `DIR/slurm/array-K.sh` (K counts this directory's Slurm submissions).
 *
 * @returns the script's path
 * @example
 * const file = writeSlurmScript(dir, script);
 */
export function writeSlurmScript(dir: string, script: string): string {
  const k = readSubmissions(dir).filter((s) => s.engine === 'slurm').length + 1;
  const file = join(dir, 'slurm', `array-${k}.sh`);
  try {
    mkdirSync(join(dir, 'slurm', 'logs'), { recursive: true });
    writeFileSync(file, script, { mode: 0o755 });
  } catch (err) {
    throw fileError(err, 'write', file);
  }
  return file;
}

/**
 * Submits a batch script with `sbatch --parsable`.
 *
 * @returns the array's job id
 * @throws InputError quoting sbatch's own message (no such partition, a limit of the account, …) in one line
 * @example
 * const jobId = await sbatch('/scratch/full/slurm/array-1.sh'); // '4711'
 */
export async function sbatch(file: string): Promise<string> {
  const r = await runTool('sbatch', ['--parsable', file], { missing: MISSING });
  const id = /^(\d+)(;\S*)?\s*$/m.exec(r.stdout)?.[1];
  if (r.code !== 0 || id === undefined) {
    throw new InputError(`sbatch refused the job array: ${engineMessage(r.stderr + (id === undefined ? r.stdout : ''))} (script ${file}; check --partition, --time, --mem, --gres and --sbatch against sinfo and your account's limits)`);
  }
  return id;
}

/** A task as the engine sees it. */
export interface TaskState {
  readonly state: string;
  /** why a pending task waits (squeue's reason), or the exit code `status:signal` of an ended one */
  readonly detail: string;
}

/**
 * Parses `squeue -h -r -o '%K|%T|%r'` (array index, state, reason).
 *
 * @example
 * parseSqueue('0|RUNNING|None\n3|PENDING|JobArrayTaskLimit\n'); // Map { 0 → RUNNING, 3 → PENDING (JobArrayTaskLimit) }
 */
export function parseSqueue(text: string): Map<number, TaskState> {
  const out = new Map<number, TaskState>();
  for (const line of text.split('\n')) {
    const [k, state, reason] = line.trim().split('|');
    if (k !== undefined && /^\d+$/.test(k) && state !== undefined) out.set(Number(k), { state, detail: reason ?? '' });
  }
  return out;
}

/**
 * Parses `sacct -n -P -X -j ID -o JobID,State,ExitCode`: the array's tasks (`ID_i`); pending ranges (`ID_[2-5]`) are skipped.
 *
 * @example
 * parseSacct('12_0|COMPLETED|0:0\n12_1|CANCELLED by 0|0:15\n12_[2-3]|PENDING|0:0\n'); // Map { 0 → COMPLETED, 1 → CANCELLED }
 */
export function parseSacct(text: string): Map<number, TaskState> {
  const out = new Map<number, TaskState>();
  for (const line of text.split('\n')) {
    const [id, state, exit] = line.trim().split('|');
    const m = /^\d+_(\d+)$/.exec(id ?? '');
    if (m !== null && state !== undefined) out.set(Number(m[1]), { state: state.split(' ')[0] as string, detail: exit ?? '' });
  }
  return out;
}

/**
 * Parses `scontrol show job -o ID`: one line per task still held by the controller.
 *
 * @example
 * parseScontrol('JobId=5 ArrayJobId=2 ArrayTaskId=2 … JobState=FAILED Reason=NonZeroExitCode … ExitCode=3:0 …'); // Map { 2 → FAILED (3:0) }
 */
export function parseScontrol(text: string): Map<number, TaskState> {
  const out = new Map<number, TaskState>();
  for (const line of text.split('\n')) {
    const task = /\bArrayTaskId=(\d+)(\s|$)/.exec(line)?.[1];
    const state = /\bJobState=(\S+)/.exec(line)?.[1];
    if (task !== undefined && state !== undefined) out.set(Number(task), { state, detail: /\bExitCode=(\S+)/.exec(line)?.[1] ?? '' });
  }
  return out;
}

/**
 * The tasks of an array still in the queue (pending, running, completing, requeued), by run index.
 *
 * @throws InputError when squeue fails for another reason than a job the controller no longer knows
 * @example
 * const queued = await queuedTasks('4711'); // Map { 3 → { state: 'RUNNING', detail: 'None' } }
 */
export async function queuedTasks(jobId: string): Promise<Map<number, TaskState>> {
  const r = await runTool('squeue', ['-h', '-r', '-j', jobId, '-o', '%K|%T|%r'], { missing: MISSING });
  if (r.code !== 0) {
    if (/invalid job id/i.test(r.stderr)) return new Map(); // purged from the controller: nothing queued
    throw new InputError(`squeue failed for job ${jobId}: ${engineMessage(r.stderr)}`);
  }
  return parseSqueue(r.stdout);
}

/**
 * How the tasks that left the queue ended: from sacct, or from scontrol where accounting is disabled
 * (the controller keeps ended jobs for MinJobAge seconds). Tasks neither knows are absent.
 *
 * @example
 * const ended = await endedTasks('4711'); // Map { 1 → { state: 'CANCELLED', detail: '0:15' } }
 */
export async function endedTasks(jobId: string): Promise<Map<number, TaskState>> {
  const acct = await runTool('sacct', ['-n', '-P', '-X', '-j', jobId, '-o', 'JobID,State,ExitCode'], { missing: MISSING }).catch(() => null);
  if (acct !== null && acct.code === 0 && acct.stdout.trim() !== '') return parseSacct(acct.stdout);
  const show = await runTool('scontrol', ['show', 'job', '-o', jobId], { missing: MISSING }).catch(() => null);
  return show !== null && show.code === 0 ? parseScontrol(show.stdout) : new Map();
}

/**
 * Whether any task of these Slurm submissions is still queued or running.
 *
 * @returns the submissions with queued tasks, each with their count
 * @example
 * const busy = await stillQueued(readSubmissions(dir)); // [{ submission, queued: 2 }]
 */
export async function stillQueued(submissions: readonly Submission[]): Promise<{ submission: Submission; queued: number }[]> {
  const out: { submission: Submission; queued: number }[] = [];
  for (const s of submissions) {
    if (s.engine !== 'slurm') continue;
    const q = await queuedTasks(s.id);
    if (q.size > 0) out.push({ submission: s, queued: q.size });
  }
  return out;
}

/**
 * Where a run stands on disk: epochs recorded in metrics.csv, and whether summary.json exists.
 *
 * @param dir the results directory
 * @param runDir the run's directory, relative to it
 * @example
 * runProgress('/scratch/full', 'runs/mlp-1x512_true-labels_n500_s1_3fa91c'); // { epochs: 12, finished: false }
 */
export function runProgress(dir: string, runDir: string): { epochs: number; finished: boolean } {
  const metrics = join(dir, runDir, 'metrics.csv');
  let epochs = 0;
  if (existsSync(metrics)) {
    try {
      epochs = Math.max(0, readFileSync(metrics, 'utf8').split('\n').filter((l) => l.trim() !== '').length - 1);
    } catch {
      // being rewritten: the next poll reads it
    }
  }
  return { epochs, finished: existsSync(join(dir, runDir, 'summary.json')) };
}

/** What waiting on an array reports. */
export type ArrayEvent =
  | { kind: 'state'; index: number; state: string; detail: string }
  | { kind: 'poll'; queued: ReadonlyMap<number, TaskState>; epochs: ReadonlyMap<number, number> }
  | { kind: 'ended'; index: number; finished: boolean; state: string; detail: string };

/**
 * Polls an array until every task has left the queue, reporting state changes, each running run's
 * epoch and how each task ended (finished: its summary.json exists).
 *
 * @param options `pollMs` between polls (default 2 s); `signal` stops the waiting (not the job)
 * @returns how each index ended
 * @example
 * const ended = await waitForArray(submission, dir, plan, { onEvent: (e) => console.log(e) });
 */
export async function waitForArray(
  submission: Submission,
  dir: string,
  plan: Plan,
  options: { pollMs?: number; signal?: AbortSignal; onEvent?(e: ArrayEvent): void } = {},
): Promise<Map<number, { finished: boolean; state: string; detail: string }>> {
  const pollMs = options.pollMs ?? 2000;
  const open = new Set(submission.indices);
  const last = new Map<number, string>();
  const ended = new Map<number, { finished: boolean; state: string; detail: string }>();
  while (open.size > 0) {
    if (options.signal?.aborted === true) break;
    const queued = await queuedTasks(submission.id);
    const epochs = new Map<number, number>();
    const gone: number[] = [];
    for (const i of open) {
      const q = queued.get(i);
      if (q !== undefined) {
        if (last.get(i) !== q.state) {
          last.set(i, q.state);
          options.onEvent?.({ kind: 'state', index: i, state: q.state, detail: q.detail });
        }
        if (q.state === 'RUNNING') epochs.set(i, runProgress(dir, plan.runs[i]?.dir ?? '').epochs);
      } else gone.push(i);
    }
    if (gone.length > 0) {
      const how = gone.some((i) => !runProgress(dir, plan.runs[i]?.dir ?? '').finished) ? await endedTasks(submission.id) : new Map<number, TaskState>();
      for (const i of gone) {
        const finished = runProgress(dir, plan.runs[i]?.dir ?? '').finished;
        const t = how.get(i) ?? { state: finished ? 'COMPLETED' : 'ENDED', detail: '' };
        ended.set(i, { finished, ...t });
        open.delete(i);
        options.onEvent?.({ kind: 'ended', index: i, finished, state: t.state, detail: t.detail });
      }
    }
    if (open.size === 0) break;
    options.onEvent?.({ kind: 'poll', queued, epochs });
    await pause(pollMs, options.signal);
  }
  return ended;
}
