import { DECIMAL } from '../data/decimal.js';
import { InputError } from '../errors.js';
import { MAX_SEED } from '../random/rng.js';

interface FlagBase {
  readonly description: string;
  /** Shown in help after the flag's name. */
  readonly placeholder?: string;
  /** When set, the flag still works but prints this note (the new spelling). */
  readonly deprecated?: string;
}

/** A free string, or one of `choices` (anything else is refused, listing them). */
export interface StringFlag extends FlagBase {
  readonly type: 'string';
  readonly choices?: readonly string[];
}

/**
 * A number written in decimal (`12`, `-0.5`, `1e-3`; not `0x10`, `Infinity` or `1_000`), within
 * `[min, max]`, strictly above `above` and strictly below `below` where given.
 */
export interface NumberFlag extends FlagBase {
  readonly type: 'number' | 'integer';
  readonly min?: number;
  readonly max?: number;
  readonly above?: number;
  readonly below?: number;
}

/** A positive integer (at most `max`) or the word `all`. */
export interface CountFlag extends FlagBase {
  readonly type: 'count';
  readonly max?: number;
}

/** A string flag that may be given several times (`--set a=1 --set b=2`): its values in order. */
export interface ListFlag extends FlagBase {
  readonly type: 'list';
}

/** A switch: present or not; it takes no value (so no `--exact false` surprises). */
export interface BooleanFlag extends FlagBase {
  readonly type: 'boolean';
}

/** A flag a command accepts. */
export type FlagSpec = StringFlag | NumberFlag | CountFlag | BooleanFlag | ListFlag;

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The value a flag's spec parses to. */
export type FlagValue<S extends FlagSpec> = S extends BooleanFlag
  ? true
  : S extends ListFlag
    ? readonly string[]
  : S extends NumberFlag
    ? number
    : S extends CountFlag
      ? number | 'all'
      : S extends { readonly choices: readonly (infer C)[] }
        ? C
        : string;

/** Parsed flags: each key present only when the flag was given. */
export type Flags<S extends FlagSpecs> = { readonly [K in keyof S]?: FlagValue<S[K]> };

export { MAX_SEED }; // seeds are 32-bit: larger ones would alias smaller ones, so they are refused

/** The flags every command takes: `--json`, `--debug`, `--help`. */
export const outputFlags = {
  json: { type: 'boolean', description: 'print one JSON object on stdout instead of the table (notes go to stderr)' },
  debug: { type: 'boolean', description: 'print stack traces on errors' },
  help: { type: 'boolean', description: 'show this help (also -h)' },
} as const satisfies FlagSpecs;

/** The flags of every command that draws random numbers: `--seed` and the {@link outputFlags}. */
export const commonFlags = {
  seed: { type: 'integer', min: 0, max: MAX_SEED, placeholder: 's', description: `seed of every random choice, 0 … ${MAX_SEED} (default: a fresh one, printed and stored)` },
  ...outputFlags,
} as const satisfies FlagSpecs;

/** Where deprecation notes go. */
export interface NoteSink {
  info(message: string): void;
}


/**
 * Parses `--name value`, `--name=value` and boolean `--name` (`-h` is `--help`). Unknown flags,
 * a flag given twice, missing values, numbers that are not plain decimals, values out of range and
 * positional arguments are errors that say what is valid.
 *
 * @param argv - the arguments after the command name
 * @param specs - the accepted flags
 * @param command - the command's name, for messages
 * @param notes - where deprecation notes are written (default: nowhere)
 * @example
 * parseFlags(['--n', '100', '--json'], { n: { type: 'integer', min: 1, description: '' }, json: { type: 'boolean', description: '' } }, 'x');
 * // { n: 100, json: true }
 */
export function parseFlags<const S extends FlagSpecs>(argv: readonly string[], specs: S, command: string, notes?: NoteSink): Flags<S> {
  const out: Record<string, string | number | true | string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] === '-h' ? '--help' : (argv[i] as string);
    if (!arg.startsWith('--')) {
      throw new InputError(`unexpected argument '${arg}'; flags start with -- (see rethink ${command} --help)`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (!spec) {
      throw new InputError(`unknown flag --${name}; valid flags: ${Object.keys(specs).map((k) => `--${k}`).join(', ')}`);
    }
    if (name in out && spec.type !== 'list') throw new InputError(`--${name} given twice`);
    if (spec.deprecated !== undefined) notes?.info(`note: --${name} is deprecated: ${spec.deprecated}`);
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new InputError(`--${name} is a switch and takes no value (got '${arg.slice(eq + 1)}')`);
      out[name] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      if (raw === undefined || (raw.startsWith('--') && raw.length > 2)) {
        throw new InputError(`--${name} needs a value (${spec.placeholder ?? spec.type})`);
      }
      i++;
    }
    if (spec.type === 'list') {
      if (raw === '') throw new InputError(`--${name} needs a non-empty value (${spec.placeholder ?? 'a string'})`);
      out[name] = [...((out[name] as string[] | undefined) ?? []), raw];
    } else out[name] = convert(raw, name, spec);
  }
  return out as Flags<S>;
}

function convert(raw: string, name: string, spec: Exclude<FlagSpec, BooleanFlag | ListFlag>): string | number {
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(raw)) {
      throw new InputError(`--${name} '${raw}' is not one of ${spec.choices.join(', ')}`);
    }
    if (raw === '') throw new InputError(`--${name} needs a non-empty value (${spec.placeholder ?? 'a string'})`);
    return raw;
  }
  if (spec.type === 'count' && raw === 'all') return 'all' as unknown as number;
  const what = spec.type === 'count' ? 'a positive integer or all' : spec.type === 'integer' ? 'an integer' : 'a number';
  if (!DECIMAL.test(raw)) throw new InputError(`--${name} must be ${what} written in decimal, got '${raw}'`);
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new InputError(`--${name} ${raw}: too large for a float64 number`);
  if (spec.type !== 'number' && !Number.isInteger(v)) throw new InputError(`--${name} must be ${what}, got '${raw}'`);
  const range = spec.type === 'count' ? { min: 1, max: spec.max } : spec;
  const fail = (): never => {
    throw new InputError(`--${name} ${raw}: must be ${describeRange(spec)}`);
  };
  if (range.min !== undefined && v < range.min) fail();
  if (range.max !== undefined && v > range.max) fail();
  if ('above' in range && range.above !== undefined && !(v > range.above)) fail();
  if ('below' in range && range.below !== undefined && !(v < range.below)) fail();
  if (spec.type !== 'number' && !Number.isSafeInteger(v)) throw new InputError(`--${name} ${raw}: too large (at most ${Number.MAX_SAFE_INTEGER})`);
  return v;
}

/**
 * Splits a command's arguments into operands (arguments that are not flags, nor the value of a flag
 * that takes one) and the flags, for commands that take operands (`rethink search <file>`). More
 * than `max` operands is an error; with `max` 0 every argument goes to {@link parseFlags}, which
 * refuses strays as before.
 *
 * @example
 * splitOperands(['weight-bound', '--seed', '3'], { seed: { type: 'integer', description: '' } }, 1, 'search');
 * // { operands: ['weight-bound'], flagArgs: ['--seed', '3'] }
 */
export function splitOperands(argv: readonly string[], specs: FlagSpecs, max: number, command: string): { operands: string[]; flagArgs: string[] } {
  if (max === 0) return { operands: [], flagArgs: [...argv] };
  const operands: string[] = [];
  const flagArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('-') && arg !== '-') {
      flagArgs.push(arg);
      const spec = specs[arg.replace(/^--?/, '')];
      if (spec && spec.type !== 'boolean' && !arg.includes('=') && i + 1 < argv.length) flagArgs.push(argv[++i] as string);
    } else operands.push(arg);
  }
  if (operands.length > max) {
    throw new InputError(`${max === 1 ? 'one argument' : `at most ${max} arguments`} besides flags, got ${operands.map((o) => `'${o}'`).join(' and ')} (see rethink ${command} --help)`);
  }
  return { operands, flagArgs };
}

/** "an integer in [1, 10]", "a number > 0", "a positive integer or all". */
export function describeRange(spec: Exclude<FlagSpec, BooleanFlag | StringFlag | ListFlag>): string {
  if (spec.type === 'count') return spec.max === undefined ? 'a positive integer or all' : `an integer in [1, ${spec.max}] or all`;
  const what = spec.type === 'integer' ? 'an integer' : 'a number';
  const lo = spec.min !== undefined ? `[${spec.min}` : spec.above !== undefined ? `(${spec.above}` : null;
  const hi = spec.max !== undefined ? `${spec.max}]` : spec.below !== undefined ? `${spec.below})` : null;
  if (lo !== null && hi !== null) return `${what} in ${lo}, ${hi}`;
  if (lo !== null) return `${what} ${lo.startsWith('[') ? '≥' : '>'} ${lo.slice(1)}`;
  if (hi !== null) return `${what} ${hi.endsWith(']') ? '≤' : '<'} ${hi.slice(0, -1)}`;
  return what;
}

/**
 * Refuses a flag that would be silently ignored: `given` is whether it was passed, `applies`
 * whether it has an effect in this combination.
 *
 * @example
 * onlyWith(flags.gamma !== undefined, flags.kernel !== 'polynomial', '--gamma is the Gaussian kernel\'s width; --kernel polynomial takes --degree');
 */
export function onlyWith(given: boolean, applies: boolean, message: string): void {
  if (given && !applies) throw new InputError(message);
}

/** The width help text is wrapped to. */
export const HELP_WIDTH = 100;

/** Wraps `text` to `width` columns, indenting continuation lines by `indent` spaces. */
export function wrap(text: string, width = HELP_WIDTH, indent = 0, firstIndent = indent): string {
  const lines: string[] = [];
  let line = ' '.repeat(firstIndent);
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(indent) + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

/** Help text for a command: summary, usage, flags (wrapped to {@link HELP_WIDTH} columns) and examples. */
export function formatHelp(command: string, summary: string, specs: FlagSpecs, examples: readonly string[] = [], usage = `rethink ${command} [flags]`): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const value = spec.type === 'boolean' ? '' : ` ${spec.placeholder ?? (spec.type === 'string' && spec.choices ? spec.choices.join('|') : `<${spec.type}>`)}`;
    const extra = spec.deprecated !== undefined ? ` (deprecated: ${spec.deprecated})` : '';
    return [`  --${name}${value}`, spec.description + extra] as const;
  });
  const column = Math.min(34, Math.max(...rows.map(([left]) => left.length)) + 2);
  const flagLines = rows.map(([left, right]) =>
    left.length + 2 <= column ? left.padEnd(column) + wrap(right, HELP_WIDTH, column).slice(column) : `${left}\n${wrap(right, HELP_WIDTH, column)}`,
  );
  return [
    wrap(`rethink ${command} — ${summary}`, HELP_WIDTH, 2, 0),
    '',
    `Usage: ${usage}`,
    '',
    'Flags:',
    ...flagLines,
    ...(examples.length > 0 ? ['', examples.length === 1 ? 'Example:' : 'Examples:', ...examples.map((e) => `  ${e}`)] : []),
  ].join('\n');
}
