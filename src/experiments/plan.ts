/**
 * A plan: every run of every selected study, with its full training configuration and its directory
 * (relative to the results directory), written to `plan.json` before anything trains. Each run is
 * an independent unit — `rethink run --plan plan.json --index i` executes it alone, on this machine
 * or any other that sees the results directory — and `rethink report DIR` rebuilds the verdicts from
 * whatever run directories exist. Runs that two studies share (the same configuration) are planned
 * once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import { InputError } from '../errors.js';
import { SPLIT_SIZES } from '../data/images.js';
import { FIT_DEFAULTS } from '../training/defaults.js';
import type { FitConfig } from '../training/fit.js';
import type { BackendName } from '../engine/names.js';
import { resolveConfig, type Override } from './config.js';
import type { AnyStudy, Profile, Tag } from './study.js';

/** The format of plan.json. */
export const PLAN_FORMAT = 'rethink-plan-1';

/** A run's configuration as planned: everything {@link fit} takes but the output flags. */
export type PlannedConfig = Omit<FitConfig, 'out' | 'resume' | 'force'>;

/** One run of the plan. */
export interface PlannedRun {
  readonly index: number;
  /** the run's directory, relative to the results directory (`runs/<name>`) */
  readonly dir: string;
  readonly config: PlannedConfig;
  /** the studies that use it, with the name and tags each gives it */
  readonly uses: readonly { readonly study: string; readonly name: string; readonly tags: Readonly<Record<string, Tag>> }[];
}

/** One study of the plan. */
export interface PlannedStudy {
  readonly id: string;
  readonly title: string;
  /** `builtin:<id>` for a shipped study, else the absolute path of the study file */
  readonly file: string;
  /** the resolved config (defaults, profile, overrides) */
  readonly config: Readonly<Record<string, unknown>>;
  /** the `--set` overrides that applied to it */
  readonly overrides: readonly string[];
}

/** plan.json. */
export interface Plan {
  readonly format: typeof PLAN_FORMAT;
  /** the rethink version that wrote it: another version's plan is refused */
  readonly rethink: string;
  /** a hash of what the plan trains and checks (format, version, profile, data, studies, runs): two plans with the same id are the same plan */
  readonly id: string;
  readonly profile: Profile;
  readonly data: { readonly source: 'mnist' | 'cifar10' | 'synthetic'; readonly dataDir: string | null };
  /** the backend the runs ask for (a resume may change it) */
  readonly backend: BackendName;
  readonly studies: readonly PlannedStudy[];
  readonly runs: readonly PlannedRun[];
}

/** What a plan is made from. */
export interface PlanOptions {
  readonly profile: Profile;
  readonly data: 'mnist' | 'cifar10' | 'synthetic';
  readonly dataDir: string | null;
  readonly backend: BackendName;
  readonly overrides: readonly Override[];
  /** the rethink version */
  readonly version: string;
}

/** A study and the file it came from. */
export interface LoadedStudy {
  readonly study: AnyStudy;
  /** `builtin:<id>` or an absolute path */
  readonly file: string;
}

/** A stable JSON text: object keys sorted, undefined fields dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * A run's directory name, built from its configuration (model, randomization, p, n, seeds) and a
 * short hash of all of it but the backend, so equal configurations share a directory and different ones never do.
 *
 * @example
 * runName({ ...config, model: 'mlp-1x512', randomization: 'corrupt-labels', p: 0.4, n: 500, seed: 2 }); // 'mlp-1x512_corrupt-labels-p0.4_n500_s2_3fa91c'
 */
export function runName(config: PlannedConfig): string {
  const parts = [config.model, config.randomization + (config.p !== undefined ? `-p${config.p}` : ''), `n${config.n ?? 'all'}`, `s${config.seed}${config.modelSeed !== undefined ? `-m${config.modelSeed}` : ''}`];
  return `${parts.join('_')}_${hash(canonicalJson({ ...config, backend: undefined }), 6)}`; // the backend may change on a resume
}

/**
 * Builds the plan: each study's config (profile values, then overrides), its runs, merged where two
 * runs are the same configuration.
 *
 * @throws InputError for an override that no selected study has, or a bad value
 */
export function buildPlan(studies: readonly LoadedStudy[], options: PlanOptions): Plan {
  const used = new Set<Override>();
  const plannedStudies: PlannedStudy[] = [];
  const runs = new Map<string, { dir: string; config: PlannedConfig; uses: PlannedRun['uses'][number][] }>();
  for (const { study, file } of studies) {
    const profileValues = options.profile === 'full' ? study.full : {};
    const { values, used: applied } = resolveConfig(study.id, study.config, profileValues, options.overrides);
    applied.forEach((o) => used.add(o));
    plannedStudies.push({ id: study.id, title: study.title, file, config: values, overrides: applied.map((o) => `${o.study !== null ? `${o.study}.` : ''}${o.key}=${o.raw}`) });
    const names = new Set<string>();
    for (const run of study.runs(values)) {
      if (names.has(run.name)) throw new InputError(`study ${study.id}: two runs are named '${run.name}'; give each run of a study its own name`);
      names.add(run.name);
      const config: PlannedConfig = {
        ...FIT_DEFAULTS,
        testN: null,
        ...run.fit,
        data: options.data,
        ...(options.dataDir !== null ? { dataDir: options.dataDir } : {}),
        backend: options.backend,
      } as PlannedConfig;
      delete (config as Partial<FitConfig>).resume;
      const sizes = (SPLIT_SIZES as Record<string, { train: number; test: number } | undefined>)[options.data];
      for (const [k, split] of [['n', 'train'], ['testN', 'test']] as const) {
        const v = (config as Record<string, unknown>)[k];
        if (sizes !== undefined && typeof v === 'number' && v > sizes[split]) {
          throw new InputError(`study ${study.id}, run '${run.name}': ${k} = ${v}, but the ${options.data} ${split} split has ${sizes[split]} images; lower the field that sets it (--set ${k}=…, or the study's own field)`);
        }
      }
      const dir = `runs/${runName(config)}`;
      const entry = runs.get(dir) ?? { dir, config, uses: [] };
      entry.uses.push({ study: study.id, name: run.name, tags: run.tags });
      runs.set(dir, entry);
    }
  }
  const unused = options.overrides.filter((o) => !used.has(o));
  if (unused.length > 0) {
    const o = unused[0] as Override;
    const fields = [...new Set(studies.flatMap((s) => Object.keys(s.study.config)))].sort();
    throw new InputError(`--set ${o.study !== null ? `${o.study}.` : ''}${o.key}: ${o.study !== null ? `no selected study is named '${o.study}'` : `no selected study has a field '${o.key}'`}; fields: ${fields.join(', ')}`);
  }
  const plannedRuns: PlannedRun[] = [...runs.values()].map((r, index) => ({ index, dir: r.dir, config: r.config, uses: r.uses }));
  const data = { source: options.data, dataDir: options.dataDir };
  return {
    format: PLAN_FORMAT,
    rethink: options.version,
    id: planId({ rethink: options.version, profile: options.profile, data, studies: plannedStudies, runs: plannedRuns }),
    profile: options.profile,
    data: { source: options.data, dataDir: options.dataDir },
    backend: options.backend,
    studies: plannedStudies,
    runs: plannedRuns,
  };
}

/** A plan's id: a hash of everything in it but the backend (which a resume may change). */
function planId(plan: Pick<Plan, 'rethink' | 'profile' | 'data' | 'studies' | 'runs'>): string {
  const body = { format: PLAN_FORMAT, rethink: plan.rethink, profile: plan.profile, data: plan.data, studies: plan.studies, runs: plan.runs.map((r) => ({ ...r, config: { ...r.config, backend: undefined } })) };
  return hash(canonicalJson(body), 16);
}

/** The form of a run's directory in a plan: `runs/<name>`, one level, no '..' (a cluster task writes exactly there). */
const RUN_DIR = /^runs\/(?!\.\.?$)[^/\\]+$/;

/**
 * Refuses a planned run whose directory is not `runs/<name>` inside the results directory: an edited
 * or damaged plan must not make a task (here or on a cluster node) write anywhere else.
 *
 * @throws InputError naming the run, where it would write, and the fix
 * @example
 * checkRunDir('/r/plan.json', { index: 2, dir: '../../home/me', … }); // throws: run 2 writes to '../../home/me', outside …
 */
export function checkRunDir(file: string, run: Pick<PlannedRun, 'index' | 'dir'>): void {
  if (typeof run.dir !== 'string' || !RUN_DIR.test(run.dir) || isAbsolute(run.dir) || normalize(run.dir) !== run.dir) {
    throw new InputError(`${file}: run ${run.index} writes to '${String(run.dir)}', outside the results directory's runs/ folder; the plan was edited or damaged: make a new one (rethink reproduce --plan-only --out NEW_DIR)`);
  }
}

/**
 * Reads and checks plan.json.
 *
 * @param version this rethink's version: a plan written by another is refused
 * @throws InputError for a missing or damaged file, another format or version, or a run directory outside the results directory
 */
export function readPlan(file: string, version: string): Plan {
  if (!existsSync(file)) throw new InputError(`${file}: no such plan; write one with rethink reproduce --plan-only --out DIR`);
  let plan: Plan;
  try {
    plan = JSON.parse(readFileSync(file, 'utf8')) as Plan;
  } catch (e) {
    throw new InputError(`${file} is not a plan (${(e as Error).message.split('\n')[0]}); write one with rethink reproduce --plan-only --out DIR`);
  }
  if (typeof plan !== 'object' || plan === null || plan.format !== PLAN_FORMAT) throw new InputError(`${file} is not a ${PLAN_FORMAT} plan; write one with rethink reproduce --plan-only --out DIR`);
  if (plan.rethink !== version) {
    throw new InputError(`${file} was written by rethink ${plan.rethink}, this is rethink ${version}: make a new plan with this version (rethink reproduce --plan-only --out NEW_DIR) or run it with rethink ${plan.rethink}`);
  }
  if (!Array.isArray(plan.runs) || !Array.isArray(plan.studies)) throw new InputError(`${file} is not a complete plan (no runs or studies); write one with rethink reproduce --plan-only --out DIR`);
  for (const r of plan.runs) checkRunDir(file, r);
  if (plan.id !== planId(plan)) throw new InputError(`${file}: its id ${String(plan.id)} does not match its contents (${planId(plan)}): the plan was edited after it was written; make a new one (rethink reproduce --plan-only --out NEW_DIR)`);
  return plan;
}
