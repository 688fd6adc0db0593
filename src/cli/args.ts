import { InputError } from '../errors.js';

/** A flag a command accepts. Boolean flags take no value (so no `--exact false` surprises). */
export interface FlagSpec {
  readonly type: 'string' | 'integer' | 'number' | 'boolean';
  readonly description: string;
  /** Allowed values of a string flag (anything else is refused, listing these). */
  readonly choices?: readonly string[];
  /** Shown in help. */
  readonly placeholder?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The flags every command takes: `--json`, `--debug`, `--help`. */
export const outputFlags: FlagSpecs = {
  json: { type: 'boolean', description: 'print one JSON object instead of the table' },
  debug: { type: 'boolean', description: 'print stack traces on errors' },
  help: { type: 'boolean', description: 'show this help' },
};

/** The flags of every command that draws random numbers: `--seed` and the {@link outputFlags}. */
export const commonFlags: FlagSpecs = {
  seed: { type: 'integer', placeholder: 's', description: 'seed of every random choice (default: a fresh one, printed and stored)' },
  ...outputFlags,
};

export type ParsedFlags = Record<string, string | number | boolean | undefined>;

/**
 * Parses `--name value`, `--name=value` and boolean `--name`. Unknown flags, missing values,
 * non-numeric numbers and positional arguments are errors that list what is valid.
 *
 * @param argv - the arguments after the command name
 * @param specs - the accepted flags
 * @param command - the command's name, for messages
 * @example
 * parseFlags(['--n', '100', '--json'], { n: { type: 'integer', description: '' }, json: { type: 'boolean', description: '' } }, 'x');
 * // { n: 100, json: true }
 */
export function parseFlags(argv: readonly string[], specs: FlagSpecs, command: string): ParsedFlags {
  const out: ParsedFlags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      throw new InputError(`rethink ${command}: unexpected argument '${arg}'; flags start with -- (see rethink ${command} --help)`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (!spec) {
      throw new InputError(`rethink ${command}: unknown flag --${name}; valid flags: ${Object.keys(specs).map((k) => `--${k}`).join(', ')}`);
    }
    if (name in out) throw new InputError(`rethink ${command}: --${name} given twice`);
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new InputError(`rethink ${command}: --${name} is a switch and takes no value (got '${arg.slice(eq + 1)}')`);
      out[name] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      if (raw === undefined || (raw.startsWith('--') && raw.length > 2)) {
        throw new InputError(`rethink ${command}: --${name} needs a value (${spec.placeholder ?? spec.type})`);
      }
      i++;
    }
    out[name] = convert(raw, name, spec, command);
  }
  return out;
}

function convert(raw: string, name: string, spec: FlagSpec, command: string): string | number {
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(raw)) {
      throw new InputError(`rethink ${command}: --${name} '${raw}' is not one of ${spec.choices.join(', ')}`);
    }
    return raw;
  }
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) {
    throw new InputError(`rethink ${command}: --${name} must be a number, got '${raw}'`);
  }
  if (spec.type === 'integer' && !Number.isSafeInteger(v)) {
    throw new InputError(`rethink ${command}: --${name} must be an integer, got '${raw}'`);
  }
  return v;
}

/** Help text for a command's flags. */
export function formatHelp(command: string, summary: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const value = spec.type === 'boolean' ? '' : ` <${spec.placeholder ?? spec.type}>`;
    return [`  --${name}${value}`, spec.description] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [`rethink ${command} — ${summary}`, '', 'Flags:', ...rows.map(([left, right]) => left.padEnd(width) + right)].join('\n');
}
