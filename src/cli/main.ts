import { InputError } from '../errors.js';
import { formatHelp, type FlagSpecs } from './args.js';
import { boundFlags, runBound } from './bound.js';
import { expressivityFlags, runExpressivity } from './expressivity.js';
import { figure1Flags, runFigure1 } from './figure1.js';
import { fitFlags, modelsFlags, runFit, runModels } from './fit.js';
import { kernelFlags, runKernel, runSgdMinNorm, sgdMinNormFlags } from './implicit.js';
import { rademacherFlags, runRademacher } from './rademacher.js';
import { runSearch, searchFlags } from './search.js';
import { processOutput, type Output } from './output.js';

interface Command {
  readonly summary: string;
  readonly flags: FlagSpecs;
  run(argv: readonly string[], out: Output): Promise<number>;
}

const commands: Readonly<Record<string, Command>> = {
  expressivity: {
    summary: 'Theorem 1: build a two-layer ReLU net with 2n + d weights that fits the labels, and certify it',
    flags: expressivityFlags,
    run: runExpressivity,
  },
  rademacher: {
    summary: 'empirical Rademacher complexity of a class: exact, estimated with confidence, and bounded (--compare: the paper\'s point)',
    flags: rademacherFlags,
    run: runRademacher,
  },
  bound: {
    summary: 'generalization bounds from a Rademacher complexity, and whether they are vacuous',
    flags: boundFlags,
    run: runBound,
  },
  'sgd-min-norm': {
    summary: 'SGD on least squares converges to the minimum-norm interpolant X⁺y (paper §5)',
    flags: sgdMinNormFlags,
    run: runSgdMinNorm,
  },
  fit: {
    summary: 'train a network (MLP, small AlexNet, small Inception) on true or randomized data until it fits the training set',
    flags: fitFlags,
    run: runFit,
  },
  figure1: {
    summary: 'the paper\'s Figure 1 on a small scale: loss curves per randomization, time to fit and test error vs label corruption (runs in parallel)',
    flags: figure1Flags,
    run: runFigure1,
  },
  models: {
    summary: 'the paper\'s models and their parameter counts for an input shape',
    flags: modelsFlags,
    run: runModels,
  },
  kernel: {
    summary: 'minimum-norm kernel interpolation on MNIST: test error, RKHS norm (--compare-norms: true vs random labels)',
    flags: kernelFlags,
    run: runKernel,
  },
  search: {
    summary: 'counterexample search: built-in conjectures about generalization (--list, --all) or your own file, shrunk, stored and replayable',
    flags: searchFlags,
    run: runSearch,
  },
};

const usage = (): string =>
  [
    'rethink — run the claims of "Understanding deep learning requires rethinking generalization"',
    '',
    'Usage: rethink <command> [flags]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(14)}${c.summary}`),
    '',
    'rethink <command> --help lists its flags.',
  ].join('\n');

/**
 * The CLI: dispatches to a command and turns errors into one line on stderr and exit code 2
 * (stack traces only with --debug; unexpected errors exit 1).
 *
 * @param argv - arguments after `rethink`
 * @param out - where to write (default: stdout/stderr)
 * @returns the exit code
 */
export async function main(argv: readonly string[], out: Output = processOutput): Promise<number> {
  const [name, ...rest] = argv;
  const debug = rest.includes('--debug');
  if (name === undefined || name === '--help' || name === 'help') {
    out.table(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`rethink: unknown command '${name}'; commands: ${Object.keys(commands).join(', ')}\n`);
    return 2;
  }
  if (rest.includes('--help')) {
    out.table(formatHelp(name, command.summary, command.flags));
    return 0;
  }
  try {
    return await command.run(rest, out);
  } catch (err) {
    if (debug) process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    if (err instanceof InputError) {
      process.stderr.write(`rethink ${name}: error: ${err.message.replace(/^rethink \w+: /, '')}\n`);
      return 2;
    }
    process.stderr.write(`rethink ${name}: internal error: ${(err as Error).message ?? String(err)} (rerun with --debug for the stack)\n`);
    return 1;
  }
}
