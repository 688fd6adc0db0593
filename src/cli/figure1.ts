import { existsSync, writeFileSync as writeFile } from 'node:fs';
import { join } from 'node:path';
import { InputError, InterruptedError } from '../errors.js';
import { parseDecimal } from '../data/decimal.js';
import { freshSeed } from '../random/rng.js';
import { lineChart } from '../report/svg.js';
import { FIT_DEFAULTS } from '../training/defaults.js';
import type { FitConfig, FitResult } from '../training/fit.js';
import { fitParallel } from '../training/parallel.js';
import { onlyWith, type Flags } from './args.js';
import type { figure1Flags } from './commands.js';
import { INTERRUPTED_EXIT, whileInterruptible } from './interrupt.js';
import { formatTable, type Output } from './output.js';

const INPUT_RANDOMIZATIONS = ['shuffled-pixels', 'random-pixels', 'gaussian'] as const;

/** Files figure1 writes at the top of --out. */
const FIGURE_FILES = ['figure1.csv', 'figure1a.svg', 'figure1bc.svg'];

/** `--ps '0,0.5,1'` → [0, 0.5, 1]; an empty entry, a non-number or a p outside [0, 1] is refused. */
export function parsePs(raw: string): number[] {
  const parts = raw.split(',').map((t) => t.trim());
  for (const t of parts) {
    const p = parseDecimal(t);
    if (p === null || p < 0 || p > 1) {
      throw new InputError(`--ps '${raw}': '${t}' is not a corruption level in [0, 1]; give comma-separated numbers, e.g. 0,0.5,1`);
    }
  }
  return parts.map(Number);
}

/**
 * `rethink figure1`: the paper's Figure 1 on a small scale — (a) training loss for true labels,
 * random labels, shuffled pixels, random pixels and Gaussian inputs; (b) steps to fit relative to
 * true labels and (c) test error, against the label-corruption level p.
 */
export async function runFigure1(flags: Flags<typeof figure1Flags>, out: Output): Promise<number> {
  const t0 = performance.now();
  const seed = flags.seed ?? freshSeed();
  const given = parsePs(flags.ps ?? '0,0.2,0.4,0.6,0.8,1');
  // Ascending, without repeats, and always starting at p = 0: the reference for "relative time to fit".
  const ps = [...new Set([0, ...given])].sort((a, b) => a - b);
  if (!given.includes(0)) out.info('note: p = 0 (true labels) is added: it is the reference of the relative time to fit');
  const threads = flags.threads ?? 2;
  const outDir = flags.out ?? null;
  onlyWith(flags.resume === true || flags.force === true, outDir !== null, `--${flags.resume === true ? 'resume' : 'force'} needs --out DIR`);
  const base: FitConfig = {
    ...FIT_DEFAULTS,
    data: flags.data ?? 'mnist',
    ...(flags['data-dir'] !== undefined ? { dataDir: flags['data-dir'] } : {}),
    n: flags.n === 'all' ? null : (flags.n ?? 1000),
    testN: flags['test-n'] === 'all' ? null : (flags['test-n'] ?? null),
    model: flags.model ?? 'mlp-1x512',
    randomization: 'true-labels',
    backend: flags.backend ?? 'auto',
    epochs: flags.epochs ?? 200,
    seed,
    out: null,
    resume: false,
  };
  const runs: { name: string; config: FitConfig }[] = [
    ...ps.map((p) => ({ name: `p=${p}`, config: { ...base, ...(p === 0 ? { randomization: 'true-labels' as const } : p === 1 ? { randomization: 'random-labels' as const } : { randomization: 'corrupt-labels' as const, p }) } })),
    ...INPUT_RANDOMIZATIONS.map((r) => ({ name: r, config: { ...base, randomization: r } })),
  ];
  if (outDir !== null) {
    const { DirectoryRunStore } = await import('../training/run-store.js');
    runs.forEach((r) => (r.config.out = join(outDir, r.name.replace('=', '')))); // p0.2, not p=0.2: friendlier in a shell
    const held = runs.filter((r) => new DirectoryRunStore(r.config.out as string).state().started).map((r) => r.name);
    const figures = FIGURE_FILES.filter((f) => existsSync(join(outDir, f)));
    if ((held.length > 0 || figures.length > 0) && flags.resume !== true && flags.force !== true) {
      throw new InputError(`--out ${outDir} already holds ${held.length > 0 ? `runs (${held.slice(0, 3).join(', ')}${held.length > 3 ? ', …' : ''})` : figures.join(', ')}; continue them with --resume, replace them with --force, or choose another --out`);
    }
    // --resume: a run with a checkpoint continues (a finished one is only re-read), one without starts (force).
    runs.forEach((r) => Object.assign(r.config, { resume: flags.resume === true, force: true }));
    const { fileError, makeDirectory } = await import('../training/run-store.js');
    try {
      makeDirectory(outDir);
    } catch (err) {
      throw fileError(err, 'create', outDir);
    }
  } else {
    out.info('no --out: nothing is written to disk (add --out DIR for figure1.csv, the charts and each run, which --resume can continue)');
  }
  out.info(`seed: ${seed}; ${runs.length} runs of ${base.model} on ${base.n} ${base.data} images, ${threads} at a time`);
  let results: FitResult[];
  try {
    results = await whileInterruptible((signal) =>
      fitParallel(
        runs.map((r) => r.config),
        threads,
        (i, r) => out.info(`  done: ${runs[i]!.name.padEnd(16)} ${r.stepsToFit === null ? `not fitted (train error ${(100 * r.trainError).toFixed(1)}%)` : `fitted after ${r.stepsToFit} steps`}, test error ${(100 * r.testError).toFixed(1)}%`),
        signal,
      ),
    );
  } catch (err) {
    if (err instanceof InterruptedError) {
      out.error(outDir !== null ? `interrupted; finished runs and checkpoints are kept; continue with: rethink figure1 --out ${outDir} --resume` : 'interrupted (nothing was saved: no --out)');
      return INTERRUPTED_EXIT;
    }
    throw err;
  }
  const reference = results[0]!.stepsToFit;
  const rows = runs.map((r, i) => {
    const res = results[i] as FitResult;
    return {
      run: r.name,
      randomization: res.randomization,
      p: res.p,
      labelsChanged: res.labelsChanged,
      stepsToFit: res.stepsToFit,
      relativeTimeToFit: res.stepsToFit !== null && reference !== null ? res.stepsToFit / reference : null,
      trainError: res.trainError,
      testError: res.testError,
      lossCurve: res.history.map((h) => [h.steps, h.loss] as [number, number]),
    };
  });
  if (outDir !== null) {
    const { fileError } = await import('../training/run-store.js');
    const writeFileSync = (path: string, text: string): void => {
      try {
        writeFile(path, text);
      } catch (err) {
        throw fileError(err, 'write', path);
      }
    };
    const csv = ['run,randomization,p,labels_changed,steps_to_fit,relative_time_to_fit,train_error,test_error', ...rows.map((r) => [r.run, r.randomization, r.p ?? '', r.labelsChanged, r.stepsToFit ?? '', r.relativeTimeToFit ?? '', r.trainError, r.testError].join(','))];
    writeFileSync(join(outDir, 'figure1.csv'), csv.join('\n') + '\n');
    const curves = rows.filter((r) => r.run === 'p=0' || r.run === 'p=1' || (INPUT_RANDOMIZATIONS as readonly string[]).includes(r.run));
    writeFileSync(join(outDir, 'figure1a.svg'), lineChart(`Fig. 1a: training loss (${base.model}, ${base.data} n=${base.n})`, 'steps', 'average loss', curves.map((r) => ({ label: r.run === 'p=0' ? 'true labels' : r.run === 'p=1' ? 'random labels' : r.run, points: r.lossCurve }))));
    const byP = rows.filter((r) => r.run.startsWith('p='));
    writeFileSync(
      join(outDir, 'figure1bc.svg'),
      lineChart(`Fig. 1b/1c vs label corruption (${base.model})`, 'label corruption p', 'ratio / error', [
        { label: 'time to fit / true labels', points: byP.map((r) => [r.p ?? 0, r.relativeTimeToFit ?? NaN]) },
        { label: 'test error', points: byP.map((r) => [r.p ?? 0, r.testError]) },
      ]),
    );
  }
  if (flags.json === true) {
    out.json({ model: base.model, data: base.data, n: base.n, seed, backend: results[0]!.backend, runs: rows, wallMs: Math.round(performance.now() - t0) });
    return 0;
  }
  out.table(
    [
      formatTable([['run', 'labels changed · steps to fit (× true labels) · train error · test error']]),
      ...rows.map((r) =>
        formatTable([[r.run.padEnd(16), `${(100 * r.labelsChanged).toFixed(1).padStart(5)}% · ${r.stepsToFit === null ? 'not fitted'.padStart(6) : String(r.stepsToFit).padStart(6)} (${r.relativeTimeToFit === null ? '—' : r.relativeTimeToFit.toFixed(2)}×) · ${(100 * r.trainError).toFixed(1)}% · ${(100 * r.testError).toFixed(1)}%`]]),
      ),
      '',
      'Paper (CIFAR-10, Fig. 1): every randomization reaches 0 training loss; time to fit grows by a small constant factor with p;',
      'test error rises steadily to ≈ 90% at p = 1 while training error stays 0.',
      ...(outDir !== null ? [`files: ${outDir}/{figure1.csv,figure1a.svg,figure1bc.svg} and one directory per run`] : []),
    ].join('\n'),
  );
  return 0;
}
