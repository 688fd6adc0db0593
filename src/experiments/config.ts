/**
 * A study's configuration: a flat record of typed fields, each with its default (the quick profile's
 * value), a description, and a range or choices. `--set key=value` overrides a field; an unknown key
 * or a value of the wrong type or out of range is refused with a line that says what is valid
 * (the nanoGPT-style "flat config with a comment per field, overrides checked").
 */
import { DECIMAL } from '../data/decimal.js';
import { InputError } from '../errors.js';

interface FieldBase<T> {
  readonly default: T;
  /** what the field means (shown in reports and in the error for a bad override) */
  readonly description: string;
}

/** A config field. Lists are written comma-separated in `--set` (`ps=0,0.5,1`). */
export type FieldSpec =
  | (FieldBase<number> & { readonly type: 'integer' | 'number'; readonly min?: number; readonly max?: number })
  | (FieldBase<boolean> & { readonly type: 'boolean' })
  | (FieldBase<string> & { readonly type: 'string'; readonly choices?: readonly string[] })
  | (FieldBase<readonly number[]> & { readonly type: 'integers' | 'numbers'; readonly min?: number; readonly max?: number })
  | (FieldBase<readonly string[]> & { readonly type: 'strings'; readonly choices?: readonly string[] });

/** A study's fields. */
export type ConfigSpec = Readonly<Record<string, FieldSpec>>;

/** The values of a {@link ConfigSpec}. */
export type ConfigOf<S extends ConfigSpec> = { readonly [K in keyof S]: S[K]['default'] };

type Range = { min?: number; max?: number };

/**
 * Field constructors for study configs.
 *
 * @example
 * const config = { n: field.integer(500, 'training images per run', { min: 1 }), ps: field.numbers([0, 0.5, 1], 'corruption levels p', { min: 0, max: 1 }) };
 */
export const field = {
  integer: (value: number, description: string, range: Range = {}) => ({ type: 'integer', default: value, description, ...range }) as const,
  number: (value: number, description: string, range: Range = {}) => ({ type: 'number', default: value, description, ...range }) as const,
  boolean: (value: boolean, description: string) => ({ type: 'boolean', default: value, description }) as const,
  choice: <const C extends string>(value: C, choices: readonly C[], description: string) => ({ type: 'string', default: value as C, choices, description }) as const,
  string: (value: string, description: string) => ({ type: 'string', default: value, description }) as const,
  integers: (value: readonly number[], description: string, range: Range = {}) => ({ type: 'integers', default: value, description, ...range }) as const,
  numbers: (value: readonly number[], description: string, range: Range = {}) => ({ type: 'numbers', default: value, description, ...range }) as const,
  choices: <const C extends string>(value: readonly C[], choices: readonly C[], description: string) => ({ type: 'strings', default: value as readonly C[], choices, description }) as const,
};

/** One `--set` override: `key=value` or `study.key=value`. */
export interface Override {
  readonly study: string | null;
  readonly key: string;
  readonly raw: string;
}

/**
 * Parses `--set` arguments.
 *
 * @throws InputError for an argument without `=` or with an empty key
 * @example
 * parseOverrides(['epochs=3', 'fig1b.seeds=1,2']); // [{ study: null, key: 'epochs', raw: '3' }, { study: 'fig1b', key: 'seeds', raw: '1,2' }]
 */
export function parseOverrides(args: readonly string[]): Override[] {
  const overrides = args.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new InputError(`--set '${arg}': write key=value (e.g. --set epochs=3) or study.key=value (e.g. --set fig1b.seeds=1,2)`);
    const left = arg.slice(0, eq);
    const dot = left.indexOf('.');
    return { study: dot < 0 ? null : left.slice(0, dot), key: dot < 0 ? left : left.slice(dot + 1), raw: arg.slice(eq + 1) };
  });
  const name = (o: Override): string => `${o.study !== null ? `${o.study}.` : ''}${o.key}`;
  const twice = overrides.find((o, i) => overrides.findIndex((p) => name(p) === name(o)) !== i);
  if (twice !== undefined) throw new InputError(`--set ${name(twice)} is given twice (${overrides.filter((o) => name(o) === name(twice)).map((o) => `${name(o)}=${o.raw}`).join(', ')}); give it once`);
  return overrides;
}

function rangeText(spec: { type: string; min?: number; max?: number }): string {
  const what = spec.type.startsWith('integer') ? 'an integer' : 'a number';
  if (spec.min !== undefined && spec.max !== undefined) return `${what} in [${spec.min}, ${spec.max}]`;
  if (spec.min !== undefined) return `${what} ≥ ${spec.min}`;
  if (spec.max !== undefined) return `${what} ≤ ${spec.max}`;
  return what;
}

/**
 * A `--set` value for a field, checked: decimal numbers (integers where the field is), `true` or
 * `false`, one of the choices; lists comma-separated and non-empty.
 *
 * @throws InputError naming the field, the value and what it must be
 * @example
 * parseFieldValue('n', field.integer(500, 'images', { min: 1 }), '300'); // 300
 */
export function parseFieldValue(name: string, spec: FieldSpec, raw: string): unknown {
  const bad = (what: string): never => {
    throw new InputError(`--set ${name}=${raw}: ${name} must be ${what} (${spec.description})`);
  };
  const number = (t: string, s: { type: string; min?: number; max?: number }): number => {
    if (!DECIMAL.test(t)) bad(s.type.startsWith('integer') ? (s.type === 'integers' ? 'comma-separated integers' : 'an integer') : s.type === 'numbers' ? 'comma-separated decimal numbers' : 'a decimal number');
    const v = Number(t);
    if (!Number.isFinite(v) || (s.type.startsWith('integer') && !Number.isSafeInteger(v))) bad(rangeText(s));
    if ((s.min !== undefined && v < s.min) || (s.max !== undefined && v > s.max)) bad(rangeText(s));
    return v;
  };
  const choice = (t: string, choices: readonly string[] | undefined): string => {
    if (t === '') bad('a non-empty value');
    if (choices !== undefined && !choices.includes(t)) bad(`one of ${choices.join(', ')}`);
    return t;
  };
  const distinct = <T>(values: T[]): T[] => {
    const seen = values.find((v, i) => values.indexOf(v) !== i);
    if (seen !== undefined) bad(`a list without repeats (${String(seen)} is given twice)`);
    return values;
  };
  switch (spec.type) {
    case 'integer':
    case 'number':
      return number(raw, spec);
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') bad('true or false');
      return raw === 'true';
    case 'string':
      return choice(raw, spec.choices);
    case 'integers':
    case 'numbers':
      if (raw.trim() === '') bad(`a non-empty list: ${rangeText(spec)} each, comma-separated`);
      return distinct(raw.split(',').map((t) => number(t.trim(), spec)));
    case 'strings':
      if (raw.trim() === '') bad('a non-empty comma-separated list');
      return distinct(raw.split(',').map((t) => choice(t.trim(), spec.choices)));
  }
}

/**
 * A study's configuration for a profile: the fields' defaults, then the profile's values, then the
 * overrides that apply to the study (unqualified ones that name one of its fields, and those
 * qualified with its id).
 *
 * @returns the values and the overrides used
 * @throws InputError for a qualified override of a field the study does not have
 */
export function resolveConfig<S extends ConfigSpec>(studyId: string, spec: S, profileValues: Partial<ConfigOf<S>>, overrides: readonly Override[]): { values: ConfigOf<S>; used: Override[] } {
  const values: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(spec)) values[k] = k in profileValues ? (profileValues as Record<string, unknown>)[k] : f.default;
  const used: Override[] = [];
  for (const o of overrides) {
    if (o.study !== null && o.study !== studyId) continue;
    const f = spec[o.key];
    if (f === undefined) {
      if (o.study === null) continue; // an unqualified key may belong to another study; checked across studies
      throw new InputError(`--set ${o.study}.${o.key}: study ${studyId} has no field '${o.key}'; its fields: ${Object.keys(spec).join(', ')}`);
    }
    values[o.key] = parseFieldValue(o.key, f, o.raw);
    used.push(o);
  }
  return { values: values as ConfigOf<S>, used };
}
