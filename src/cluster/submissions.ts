/**
 * The submissions made into a results directory (`submissions.json`): which engine, which job, which
 * of the plan's runs, the script or manifest and where the logs go. It is how `--resume` knows what
 * is already queued — two submissions writing the same run directories at once are refused — and
 * where a failed task's log is.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { fileError } from '../training/run-store.js';

/** One submission. */
export interface Submission {
  readonly engine: 'slurm' | 'kubernetes';
  /** Slurm: the array's job id; Kubernetes: `namespace/name` of the Job */
  readonly id: string;
  /** the plan's run indices it runs (a Slurm task or Kubernetes completion index is the run's index) */
  readonly indices: readonly number[];
  /** the batch script or manifest, absolute */
  readonly file: string;
  /** Slurm: the log of task i is this pattern with `%a` replaced by i */
  readonly logs?: string;
  readonly submittedAt: string;
}

const FILE = 'submissions.json';

/**
 * The submissions recorded in a results directory (none: an empty list).
 *
 * @throws InputError for a damaged file
 * @example
 * readSubmissions('runs/full').filter((s) => s.engine === 'slurm');
 */
export function readSubmissions(dir: string): Submission[] {
  const file = join(dir, FILE);
  if (!existsSync(file)) return [];
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { submissions?: Submission[] };
    if (!Array.isArray(v.submissions)) throw new Error('no submissions list');
    return v.submissions;
  } catch (err) {
    throw new InputError(`${file} is damaged (${(err as Error).message.split('\n')[0]}); it lists the cluster jobs of this results directory: restore it, or remove it once none of them is queued`);
  }
}

/**
 * Appends a submission to the directory's record (written to a temporary file and renamed).
 *
 * @example
 * recordSubmission(dir, { engine: 'slurm', id: '123', indices: [0, 1], file: `${dir}/slurm/array-1.sh`, logs: `${dir}/slurm/logs/123_%a.out`, submittedAt: new Date().toISOString() });
 */
export function recordSubmission(dir: string, s: Submission): void {
  const file = join(dir, FILE);
  const all = [...readSubmissions(dir), s];
  try {
    writeFileSync(`${file}.tmp`, JSON.stringify({ submissions: all }, null, 2) + '\n');
    renameSync(`${file}.tmp`, file);
  } catch (err) {
    throw fileError(err, 'write', file);
  }
}

/**
 * The log file of run `index` in a Slurm submission.
 *
 * @example
 * slurmLog({ logs: '/r/slurm/logs/123_%a.out', … }, 2); // '/r/slurm/logs/123_2.out'
 */
export function slurmLog(s: Submission, index: number): string | null {
  return s.logs !== undefined ? s.logs.replace('%a', String(index)) : null;
}
