/**
 * A study: one file in `experiments/` that declares what is trained (runs built from a typed,
 * overridable config) and what is checked (claims over the finished runs, each with the paper's
 * figure for the same quantity, a tolerance and why, and the scale at which it is expected to hold).
 * `rethink reproduce` runs the shipped studies; `rethink experiment FILE` runs a user's.
 */
import type { FitConfig, FitResult } from '../training/fit.js';
import type { ConfigOf, ConfigSpec } from './config.js';

/** The profiles of `rethink reproduce`: quick (MNIST subsets, ≤ 15 min on 2 cores) and full (the paper's scale). */
export type Profile = 'quick' | 'full';
export const PROFILES: readonly Profile[] = ['quick', 'full'];

/** The training settings a study gives a run; data, backend and output directory come from the plan. */
export type RunFit = Pick<FitConfig, 'model' | 'randomization' | 'n' | 'seed'> & Partial<Omit<FitConfig, 'data' | 'dataDir' | 'backend' | 'out' | 'resume' | 'force'>>;

/** A label of a run that claims and plots group by. */
export type Tag = string | number | boolean | null;

/** One run of a study. */
export interface RunSpec {
  /** unique within the study (e.g. `mlp-1x512 p=0.4 seed 2`) */
  readonly name: string;
  readonly fit: RunFit;
  /** what the run stands for (p, model, regularizer, seed, …) */
  readonly tags: Readonly<Record<string, Tag>>;
}

/** A run as claims see it: its spec and, when it finished, its result (summary.json). */
export interface RunOutcome {
  readonly name: string;
  readonly tags: Readonly<Record<string, Tag>>;
  /** the run's directory, relative to the results directory */
  readonly dir: string;
  /** finished: summary.json exists; failed: the run stopped with an error; missing: not run (yet) */
  readonly status: 'finished' | 'failed' | 'missing';
  readonly result: FitResult | null;
  /** why it failed */
  readonly error?: string;
}

/** What a claim measured: a number (null when it could not be measured) and how it was obtained. */
export interface Measurement {
  readonly value: number | null;
  /** the measurement in words, with the numbers behind it */
  readonly text: string;
}

/** The tolerance of a claim: the measured value must lie in [atLeast, atMost]; `why` says why these bounds. */
export interface Tolerance {
  readonly atLeast?: number;
  readonly atMost?: number;
  readonly why: string;
}

/** How a claim's numbers print: a fraction as a percentage, a ratio with ×, or a plain number. */
export type Unit = 'percent' | 'ratio' | 'number';

/** A claim of a study. */
export interface ClaimSpec<V> {
  readonly name: string;
  /** the paper's figure for the same quantity: where, in words, and the number where it gives one */
  readonly paper: { readonly where: string; readonly text: string; readonly value: number | null };
  readonly unit: Unit;
  /** measures the claim on the study's runs (the finished ones have results) */
  measure(runs: readonly RunOutcome[], config: V, analysis: Readonly<Record<string, unknown>>): Measurement;
  readonly tolerance: Tolerance;
  /** the profiles at which it is expected to hold, and why (a claim outside them is reported, not counted) */
  readonly scale: { readonly profiles: readonly Profile[]; readonly text: string };
}

/** A chart: a vega-lite spec with its data inline (saved next to its SVG and PNG). */
export interface PlotSpec {
  /** file name without extension (e.g. `figure1a`) */
  readonly name: string;
  readonly title: string;
  readonly spec: Record<string, unknown>;
}

/** A table for the report (e.g. Table 1 next to the paper's). */
export interface TableSpec {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
}

/** What a study file declares. */
export interface StudySpec<S extends ConfigSpec> {
  /** short id, used by `--only` and as the study's directory (letters, digits, '-') */
  readonly id: string;
  readonly title: string;
  /** the source (e.g. "Zhang et al. 2017, Fig. 1a") */
  readonly paper: string;
  /** what the study shows, in a sentence or two */
  readonly summary: string;
  /** the fields; their defaults are the quick profile */
  readonly config: S;
  /** the values that change for the full profile (the paper's scale) */
  readonly full: Partial<ConfigOf<S>>;
  readonly runs: (config: ConfigOf<S>) => RunSpec[];
  readonly claims: readonly ClaimSpec<ConfigOf<S>>[];
  readonly plots?: (runs: readonly RunOutcome[], config: ConfigOf<S>) => PlotSpec[];
  readonly tables?: (runs: readonly RunOutcome[], config: ConfigOf<S>, analysis: Readonly<Record<string, unknown>>) => TableSpec[];
  /**
   * numbers computed from the data rather than trained (e.g. the Rademacher module's estimates),
   * deterministic in the config and the data; stored in results.json and given to the claims
   */
  readonly analyze?: (config: ConfigOf<S>, data: { source: string; dataDir: string | null }) => Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** A study as `study()` returns it. */
export type Study<S extends ConfigSpec = ConfigSpec> = StudySpec<S> & { readonly kind: typeof STUDY_KIND };

const STUDY_KIND = 'rethink-study';

/** A study of any config (what plans and loaders hold). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStudy = Study<any>;

/**
 * Declares a study (the default export of a study file).
 *
 * @throws Error for an id that is not letters, digits and '-', or a claim without a tolerance bound
 * @example
 * export default study({ id: 'my-study', title: '…', paper: 'Zhang et al. 2017, Fig. 1a', summary: '…', config: { n: field.integer(300, 'images') }, full: {}, runs: (c) => [...], claims: [...] });
 */
export function study<const S extends ConfigSpec>(spec: StudySpec<S>): Study<S> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(spec.id)) throw new Error(`study id '${spec.id}': use lower-case letters, digits and '-'`);
  for (const c of spec.claims) {
    if (c.tolerance.atLeast === undefined && c.tolerance.atMost === undefined) throw new Error(`study ${spec.id}, claim '${c.name}': the tolerance needs atLeast or atMost`);
  }
  return { ...spec, kind: STUDY_KIND };
}

/** Whether a value was made by {@link study} (by shape: a study file may load another copy of the package). */
export function isStudy(value: unknown): value is Study {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === STUDY_KIND;
}

/** A claim's verdict. */
export type Verdict = 'confirmed' | 'not confirmed';

/**
 * The verdict of a measured value under a tolerance: confirmed when it was measured and lies in
 * [atLeast, atMost]; with the distance to that interval when not.
 *
 * @example
 * verdictOf(1.8, { atLeast: 1, atMost: 5, why: '' }); // { verdict: 'confirmed', missBy: 0 }
 * verdictOf(0.8, { atLeast: 0.9, why: '' });          // { verdict: 'not confirmed', missBy: 0.1 (≈) }
 */
export function verdictOf(value: number | null, tolerance: Tolerance): { verdict: Verdict; missBy: number | null } {
  if (value === null || !Number.isFinite(value)) return { verdict: 'not confirmed', missBy: null };
  const below = tolerance.atLeast !== undefined && value < tolerance.atLeast ? tolerance.atLeast - value : 0;
  const above = tolerance.atMost !== undefined && value > tolerance.atMost ? value - tolerance.atMost : 0;
  const missBy = Math.max(below, above);
  return { verdict: missBy > 0 ? 'not confirmed' : 'confirmed', missBy };
}

/** Formats a value in a claim's unit: 0.912 → "91.2%", 2.5 → "2.50×". */
export function formatValue(value: number | null, unit: Unit): string {
  if (value === null || !Number.isFinite(value)) return '—';
  if (unit === 'percent') return `${(100 * value).toFixed(1)}%`;
  if (unit === 'ratio') return `${value.toFixed(2)}×`;
  return Number.isInteger(value) ? String(value) : Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

/** The tolerance in words: "≥ 99.0%", "in [1.00×, 5.00×]". */
export function formatTolerance(t: Tolerance, unit: Unit): string {
  if (t.atLeast !== undefined && t.atMost !== undefined) return `in [${formatValue(t.atLeast, unit)}, ${formatValue(t.atMost, unit)}]`;
  if (t.atLeast !== undefined) return `≥ ${formatValue(t.atLeast, unit)}`;
  return `≤ ${formatValue(t.atMost as number, unit)}`;
}

// Helpers for claims over runs.

/** The finished runs whose tags match every given tag. */
export function finished(runs: readonly RunOutcome[], tags: Readonly<Record<string, Tag>> = {}): (RunOutcome & { result: FitResult })[] {
  return runs.filter((r): r is RunOutcome & { result: FitResult } => r.status === 'finished' && r.result !== null && Object.entries(tags).every(([k, v]) => r.tags[k] === v));
}

/** The runs (finished or not) whose tags match. */
export function matching(runs: readonly RunOutcome[], tags: Readonly<Record<string, Tag>>): RunOutcome[] {
  return runs.filter((r) => Object.entries(tags).every(([k, v]) => r.tags[k] === v));
}

/** The runs that are not finished, named, for a measurement's text ("2 runs missing: a, b"). */
export function unfinishedText(runs: readonly RunOutcome[]): string {
  const open = runs.filter((r) => r.status !== 'finished');
  if (open.length === 0) return '';
  return `${open.length} run${open.length > 1 ? 's' : ''} not finished (${open.slice(0, 3).map((r) => `${r.name}: ${r.status}${r.error !== undefined ? ` — ${r.error}` : ''}`).join('; ')}${open.length > 3 ? '; …' : ''})`;
}

/** Training accuracy at the end (1 − trainError). */
export const trainAccuracy = (r: { result: FitResult }): number => 1 - r.result.trainError;

/**
 * The randomization of label-corruption level p (Zhang et al. 2017, §2.1): true labels at 0, random
 * labels at 1, corrupt-labels with p between.
 *
 * @example
 * labelsAtCorruption(0.4); // { randomization: 'corrupt-labels', p: 0.4 }
 */
export function labelsAtCorruption(p: number): { randomization: 'true-labels' } | { randomization: 'random-labels' } | { randomization: 'corrupt-labels'; p: number } {
  return p === 0 ? { randomization: 'true-labels' } : p === 1 ? { randomization: 'random-labels' } : { randomization: 'corrupt-labels', p };
}
