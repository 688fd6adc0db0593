import { createRequire } from 'node:module';
import { InputError } from '../errors.js';
import { HELP_WIDTH, formatHelp, parseFlags, splitOperands, wrap, type FlagSpecs } from './args.js';
import { COMMANDS, type Command } from './commands.js';
import { processOutput, type Output } from './output.js';
import { THREADS_ENV } from '../engine/wasm-threads.js';

/** The package's version (from its package.json). */
export function version(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

const usage = (): string =>
  [
    'rethink — run the claims of "Understanding deep learning requires rethinking generalization"',
    '(Zhang, Bengio, Hardt, Recht & Vinyals, ICLR 2017)',
    '',
    'Usage: rethink <command> [flags]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => wrap(c.summary, HELP_WIDTH, 16).replace(/^ {16}/, `  ${name.padEnd(14)}`)),
    '',
    'rethink <command> --help lists its flags and examples; rethink --version prints the version.',
    'Example: rethink expressivity --data mnist --randomization random-labels --seed 1',
  ].join('\n');

/**
 * The CLI: dispatches to a command and turns errors into one line on stderr: exit code 2 for bad
 * input (an {@link InputError}: it names the problem and the fix), 1 for anything unexpected. Stack
 * traces only with --debug.
 *
 * @param argv - arguments after `rethink`
 * @param out - where to write (default: stdout/stderr)
 * @returns the exit code
 * @example
 * process.exitCode = await main(['bound', '--train-error', '0', '--rademacher', '1', '--n', '1000']);
 */
export async function main(argv: readonly string[], out: Output = processOutput): Promise<number> {
  const [name, ...rest] = argv;
  const debug = rest.includes('--debug');
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.table(usage());
    if (name !== undefined) return 0;
    out.error(`rethink: no command given; choose one of ${Object.keys(COMMANDS).join(', ')} (the list above; rethink <command> --help)`);
    return 2;
  }
  if (name === '--version' || name === '-V') {
    out.table(version());
    return 0;
  }
  const command = (COMMANDS as Record<string, Command<FlagSpecs>>)[name];
  if (!command) {
    out.error(`rethink: unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')} (rethink --help)`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out.table(formatHelp(name, command.summary, command.flags, command.examples, command.usage));
    return 0;
  }
  if (rest.includes('--version') || rest.includes('-V')) {
    out.table(version());
    return 0;
  }
  let threadsBefore: string | undefined | null = null; // null: --threads not given
  try {
    const { operands, flagArgs } = splitOperands(rest, command.flags, command.operands ?? 0, name);
    const flags = parseFlags(flagArgs, command.flags, name, out);
    // --threads reaches the engine of this process and of every worker it starts, through the environment.
    if (typeof flags.threads === 'number') {
      threadsBefore = process.env[THREADS_ENV];
      process.env[THREADS_ENV] = String(flags.threads);
    }
    const run = await command.load();
    return await run(flags, out, operands);
  } catch (err) {
    if (debug) out.error(`${(err as Error).stack ?? String(err)}`);
    if (err instanceof InputError) {
      // Library messages may start with their own context ("kernel: …"): under `rethink kernel` it is said once.
      out.error(`rethink ${name}: error: ${err.message.startsWith(`${name}: `) ? err.message.slice(name.length + 2) : err.message}`);
      return 2;
    }
    out.error(`rethink ${name}: internal error: ${(err as Error).message ?? String(err)} (rerun with --debug for the stack)`);
    return 1;
  } finally {
    if (threadsBefore !== null) {
      if (threadsBefore === undefined) delete process.env[THREADS_ENV];
      else process.env[THREADS_ENV] = threadsBefore;
    }
  }
}
