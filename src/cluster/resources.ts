/**
 * What one task of a plan asks a cluster for — CPUs, memory, a time limit, GPUs — checked once
 * here and written in each engine's own spelling (Slurm's `--mem=8G`, Kubernetes' `8Gi`).
 */
import { InputError } from '../errors.js';

/** An amount of memory: an integer and a binary unit. */
export interface Memory {
  readonly amount: number;
  readonly unit: 'K' | 'M' | 'G' | 'T';
}

/**
 * Parses `--mem`: a positive integer and a unit K, M, G or T (binary: 1G = 1024M), as Slurm writes it.
 *
 * @throws InputError for anything else, with examples
 * @example
 * parseMemory('8G'); // { amount: 8, unit: 'G' } — Slurm --mem=8G, Kubernetes 8Gi
 */
export function parseMemory(text: string): Memory {
  const m = /^([1-9][0-9]{0,8})([KMGT])$/i.exec(text.trim());
  if (m === null) throw new InputError(`--mem ${text}: write a whole number and a unit K, M, G or T (e.g. --mem 8G, --mem 512M)`);
  return { amount: Number(m[1]), unit: (m[2] as string).toUpperCase() as Memory['unit'] };
}

/**
 * Slurm's spelling of an amount of memory.
 *
 * @example
 * slurmMemory({ amount: 8, unit: 'G' }); // '8G'
 */
export const slurmMemory = (m: Memory): string => `${m.amount}${m.unit}`;

/**
 * Kubernetes' spelling of an amount of memory (binary units).
 *
 * @example
 * kubernetesMemory({ amount: 8, unit: 'G' }); // '8Gi'
 */
export const kubernetesMemory = (m: Memory): string => `${m.amount}${m.unit === 'K' ? 'Ki' : `${m.unit}i`}`;

/** Slurm's time-limit formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
const SLURM_TIME = /^(\d+|\d+:\d{2}|\d+:\d{2}:\d{2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{2}|\d+-\d{1,2}:\d{2}:\d{2})$/;

/**
 * Checks `--time` against Slurm's formats.
 *
 * @throws InputError naming the formats
 * @example
 * checkTime('2:00:00'); // '2:00:00' (two hours); checkTime('1-12') is a day and a half
 */
export function checkTime(text: string): string {
  if (!SLURM_TIME.test(text)) throw new InputError(`--time ${text}: write minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (e.g. --time 2:00:00, --time 1-00:00:00)`);
  return text;
}

/**
 * Checks `--gres` (a generic resource per task, e.g. `gpu:1`, `gpu:a100:2`, comma-separated).
 *
 * @throws InputError with an example
 * @example
 * checkGres('gpu:1'); // 'gpu:1'
 */
export function checkGres(text: string): string {
  if (!/^[A-Za-z][\w.-]*(:[\w.-]+)*(,[A-Za-z][\w.-]*(:[\w.-]+)*)*$/.test(text)) throw new InputError(`--gres ${text}: write NAME[:TYPE]:COUNT, comma-separated (e.g. --gres gpu:1, --gres gpu:a100:2)`);
  return text;
}

/**
 * Checks an extra `#SBATCH` line: one sbatch option on one line, given with or without its leading
 * dashes (`--sbatch account=lab` and `--sbatch=--account=lab` both give `#SBATCH --account=lab`).
 *
 * @throws InputError for a line that is empty, not an option, or holds a newline
 * @example
 * checkSbatchLine('account=lab'); // '--account=lab' → '#SBATCH --account=lab'
 */
export function checkSbatchLine(text: string): string {
  const t = text.replace(/^#SBATCH\s+/, '').trim();
  const line = t.startsWith('-') ? t : `--${t}`;
  if (!/^--?[A-Za-z]/.test(line) || /[\r\n]/.test(line)) throw new InputError(`--sbatch '${text}': give one sbatch option per --sbatch, without its leading dashes or after '=' (e.g. --sbatch account=lab --sbatch=--qos=long)`);
  return line;
}

/**
 * Checks a Slurm partition name.
 *
 * @throws InputError for characters Slurm does not allow in one
 * @example
 * checkPartition('gpu'); // 'gpu'
 */
export function checkPartition(text: string): string {
  if (!/^[\w.-]+(,[\w.-]+)*$/.test(text)) throw new InputError(`--partition ${text}: a partition name (letters, digits, '_', '.', '-'; several comma-separated); sinfo lists them`);
  return text;
}
