import { InputError } from '../errors.js';
import { mohriBound, ssbdBound } from '../rademacher/bounds.js';
import type { Flags } from './args.js';
import type { boundFlags } from './commands.js';
import { formatTable, type Output } from './output.js';

/** `rethink bound`: the generalization bounds' values and whether they are vacuous. */
export async function runBound(flags: Flags<typeof boundFlags>, out: Output): Promise<number> {
  const e = flags['train-error'];
  const r = flags.rademacher;
  const n = flags.n;
  if (e === undefined || r === undefined || n === undefined) {
    const missing = (['train-error', 'rademacher', 'n'] as const).filter((k) => flags[k] === undefined);
    throw new InputError(`${missing.map((k) => `--${k}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} required (e.g. rethink bound --train-error 0 --rademacher 1 --n 50000)`);
  }
  const delta = flags.delta ?? 0.05;
  const c = flags['loss-bound'] ?? 1;
  if (!(e <= c)) throw new InputError(`--train-error ${e}: a loss in [0, c] cannot exceed --loss-bound ${c}`);
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
