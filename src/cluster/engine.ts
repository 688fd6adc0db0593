/**
 * Talking to a cluster's own tools (`sbatch`, `squeue`, `scontrol`, `sacct`, `scancel`): run one,
 * collect what it printed, and turn its complaints into one line that quotes the engine's own
 * message — rethink adds where it happened and what to do, never a paraphrase of the engine.
 */
import { spawn } from 'node:child_process';
import { InputError } from '../errors.js';

/** What a tool printed and how it exited. */
export interface ToolResult {
  /** the exit status (1 for a tool killed by a signal) */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a cluster tool and waits for it.
 *
 * @param tool the program (looked up on PATH)
 * @param args its arguments (no shell: nothing is interpreted)
 * @param options `timeoutMs` (default 60 s) after which it is killed; `missing`: the fix printed when the tool is not installed
 * @returns its exit status and output; a non-zero status is not an error here (the caller reads the engine's message)
 * @throws InputError when the tool is not on PATH or does not answer within the timeout
 * @example
 * const { code, stdout } = await runTool('squeue', ['-h', '-j', '123', '-o', '%K|%T']);
 */
export function runTool(tool: string, args: readonly string[], options: { timeoutMs?: number; missing?: string } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new InputError(`${tool} did not answer within ${Math.round(timeoutMs / 1000)} s (${tool} ${args.join(' ')}); is the cluster's controller up?`));
    }, timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ENOENT') reject(new InputError(`${tool} is not on PATH; ${options.missing ?? 'install the cluster\'s client tools, or run this on a login node of the cluster'}`));
      else reject(new InputError(`${tool} could not be started: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/**
 * The engine's message in one line: its output's lines, stripped of the `tool: error:` prefixes the
 * Slurm tools put before each, duplicates dropped, joined with '; '.
 *
 * @example
 * engineMessage('sbatch: error: invalid partition specified: gpu\nsbatch: error: Batch job submission failed: Invalid partition name specified\n');
 * // 'invalid partition specified: gpu; Batch job submission failed: Invalid partition name specified'
 */
export function engineMessage(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*[a-z]+: (error|fatal|warning): /i, '').trim())
    .filter((l) => l !== '');
  return [...new Set(lines)].join('; ') || '(it printed nothing)';
}

/**
 * Waits `ms` milliseconds, or less when the signal aborts (its listener is removed either way, so a
 * long poll loop adds none).
 *
 * @example
 * await pause(5000, signal);
 */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
