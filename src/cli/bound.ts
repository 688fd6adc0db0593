import { InputError } from '../errors.js';
import { mohriBound, ssbdBound } from '../rademacher/bounds.js';
import { outputFlags, parseFlags, type FlagSpecs } from './args.js';
import { formatTable, type Output } from './output.js';

export const boundFlags: FlagSpecs = {
  'train-error': { type: 'number', placeholder: 'e', description: 'training loss L_S(h) (required)' },
  rademacher: { type: 'number', placeholder: 'r', description: 'empirical Rademacher complexity of the loss class on the sample (required)' },
  n: { type: 'integer', placeholder: 'N', description: 'sample size (required)' },
  delta: { type: 'number', placeholder: 'δ', description: 'confidence (default 0.05)' },
  'loss-bound': { type: 'number', placeholder: 'c', description: 'the loss lies in [0, c] (default 1); Mohri et al. needs c = 1' },
  ...outputFlags,
};

/** `rethink bound`: the generalization bounds' values and whether they are vacuous. */
export async function runBound(argv: readonly string[], out: Output): Promise<number> {
  const flags = parseFlags(argv, boundFlags, 'bound');
  for (const key of ['train-error', 'rademacher', 'n']) {
    if (flags[key] === undefined) throw new InputError(`--${key} is required (see rethink bound --help)`);
  }
  const e = flags['train-error'] as number;
  const r = flags.rademacher as number;
  const n = flags.n as number;
  const delta = (flags.delta as number | undefined) ?? 0.05;
  const c = (flags['loss-bound'] as number | undefined) ?? 1;
  if (!(c > 0)) throw new InputError(`--loss-bound ${c}: must be positive`);
  if (!(e >= 0 && e <= c)) throw new InputError(`--train-error ${e}: must lie in [0, ${c}]`);
  if (!(r >= 0)) throw new InputError(`--rademacher ${r}: must be ≥ 0`);
  if (n < 1) throw new InputError(`--n ${n}: need at least one sample`);
  if (!(delta > 0 && delta < 1)) throw new InputError(`--delta ${delta}: δ must lie strictly between 0 and 1`);
  const bounds = [ssbdBound(e, r, n, delta, c), ...(c === 1 ? [mohriBound(e, r, n, delta)] : [])];
  if (flags.json === true) out.json({ trainError: e, rademacher: r, n, delta, lossBound: c, bounds });
  else {
    out.table(
      formatTable([
        ['training loss', String(e)],
        ['Rademacher complexity', String(r)],
        ['n, δ', `${n}, ${delta}`],
        ...bounds.map((b): [string, string] => [b.theorem, `${b.value.toPrecision(4)}${b.vacuous ? `  VACUOUS (≥ ${c})` : ''}`]),
      ]),
    );
  }
  return 0;
}
