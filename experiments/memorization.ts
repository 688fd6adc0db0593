/**
 * Arpit et al. 2017, "A closer look at memorization in deep networks" (ICML), re-checked on the
 * paper's setting: (1) noise needs more time as the training set grows, faster than real data does
 * (their Fig. 4: epochs to fit against n); (2) random inputs are fitted sooner than random labels on
 * real inputs (their §3, Fig. 1); (3) real examples differ in difficulty — over several
 * initialisations some are always learned early and some never — while noise examples are uniformly
 * hard (their Fig. 2: per-example accuracy after the first epoch).
 */
import { MODEL_IDS, field, finished, mean, sd, study, unfinishedText, type RunOutcome } from 'rethink/experiments';

/** Per-example accuracy over initialisations: for each training example, the fraction of runs that classify it correctly. */
function perExample(runs: readonly RunOutcome[], labels: string): number[] | null {
  const done = finished(runs, { probe: labels });
  const bits = done.map((r) => r.result.trainCorrect).filter((b): b is string => b !== undefined);
  if (bits.length < 2) return null;
  const n = (bits[0] as string).length;
  return Array.from({ length: n }, (_, i) => bits.reduce((s, b) => s + (b[i] === '1' ? 1 : 0), 0) / bits.length);
}

/** Mean epochs to fit over seeds at size n, for true or random labels (null when one did not fit). */
function epochsToFit(runs: readonly RunOutcome[], labels: string, n: number): number | null {
  const rs = finished(runs, { growth: labels, n });
  if (rs.length === 0 || rs.some((r) => r.result.stepsToFit === null)) return null;
  return mean(rs.map((r) => r.result.epochs));
}

export default study({
  id: 'memorization',
  title: 'Memorization (Arpit et al. 2017): noise is fitted differently from real data',
  paper: 'Arpit et al. 2017, Figs. 1, 2, 4; Zhang et al. 2017, Fig. 1a',
  summary: 'Epochs to fit against n for true and random labels; random inputs against random labels; per-example difficulty over several initialisations for real and noise labels.',
  config: {
    model: field.choice('mlp-1x512', MODEL_IDS, 'the network'),
    sizes: field.integers([250, 500, 1000], 'training-set sizes for the growth of the time to fit', { min: 1 }),
    n: field.integer(500, 'training images of the random-input and per-example runs', { min: 1 }),
    testN: field.integer(10_000, 'test images per run', { min: 1 }),
    epochs: field.integer(150, 'epoch budget (stops once fitted)', { min: 1 }),
    seeds: field.integers([1], 'seeds of the growth and random-input runs', { min: 0, max: 4294967295 }),
    inits: field.integers([1, 2, 3, 4, 5], 'initialisation seeds of the per-example runs (same data, labels and seed 1 otherwise)', { min: 0, max: 4294967295 }),
    probeEpochs: field.integer(1, 'epochs before the per-example accuracy is read (Arpit et al.: after the first epoch)', { min: 1 }),
  },
  full: { sizes: [5000, 10_000, 25_000, 50_000], n: 50_000, inits: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], epochs: 300 },
  runs: (c) => [
    ...c.seeds.flatMap((seed) =>
      c.sizes.flatMap((n) =>
        (['true', 'random'] as const).map((labels) => ({
          name: `${labels} labels n=${n} seed ${seed}`,
          fit: { model: c.model, randomization: labels === 'true' ? ('true-labels' as const) : ('random-labels' as const), n, testN: c.testN, epochs: c.epochs, seed },
          tags: { growth: labels, n, seed },
        })),
      ),
    ),
    ...c.seeds.flatMap((seed) =>
      (['random-labels', 'gaussian'] as const).map((randomization) => ({
        name: `${randomization} n=${c.n} seed ${seed}`,
        fit: { model: c.model, randomization, n: c.n, testN: c.testN, epochs: c.epochs, seed },
        tags: { inputs: randomization, seed },
      })),
    ),
    ...c.inits.flatMap((init) =>
      (['true', 'random'] as const).map((labels) => ({
        name: `${labels} labels, init ${init}, ${c.probeEpochs} epoch${c.probeEpochs > 1 ? 's' : ''}`,
        fit: { model: c.model, randomization: labels === 'true' ? ('true-labels' as const) : ('random-labels' as const), n: c.n, testN: Math.min(c.testN, 1000), epochs: c.probeEpochs, seed: 1, modelSeed: init, recordExamples: true },
        tags: { probe: labels, init },
      })),
    ),
  ],
  claims: [
    {
      name: 'noise needs more epochs as n grows, faster than real data (growth of epochs to fit, random over true)',
      paper: { where: 'Arpit et al. 2017, Fig. 4', text: 'the number of epochs to fit random labels rises steeply with the training-set size, that of real labels barely', value: null },
      unit: 'ratio',
      measure: (runs, c) => {
        const lo = Math.min(...c.sizes);
        const hi = Math.max(...c.sizes);
        const e = (l: string, n: number) => epochsToFit(runs, l, n);
        const [rl, rh, tl, th] = [e('random', lo), e('random', hi), e('true', lo), e('true', hi)];
        if (rl === null || rh === null || tl === null || th === null) return { value: null, text: `a growth run did not fit ${unfinishedText(runs)}` };
        return { value: rh / rl / (th / tl), text: `epochs to fit, n = ${lo} → ${hi}: random labels ${rl} → ${rh} (×${(rh / rl).toFixed(2)}), true labels ${tl} → ${th} (×${(th / tl).toFixed(2)})` };
      },
      tolerance: { atLeast: 1.2, why: 'the growth for noise must exceed that for real data by more than the seed-to-seed spread of epochs to fit (≈ ±10%)' },
      scale: { profiles: ['quick', 'full'], text: 'MLP 1×512, 250 → 1,000 MNIST images' },
    },
    {
      name: 'random inputs are fitted sooner than random labels (steps to fit, random labels over Gaussian inputs)',
      paper: { where: 'Arpit et al. 2017, §3; Zhang et al. 2017, Fig. 1a', text: 'Gaussian / random-pixel inputs converge faster than random labels on real images', value: null },
      unit: 'ratio',
      measure: (runs) => {
        const steps = (r: string) => finished(runs, { inputs: r }).map((x) => x.result.stepsToFit);
        const labels = steps('random-labels');
        const inputs = steps('gaussian');
        if (labels.length === 0 || inputs.length === 0 || [...labels, ...inputs].some((s) => s === null)) return { value: null, text: `a run did not fit ${unfinishedText(runs)}` };
        return { value: mean(labels as number[]) / mean(inputs as number[]), text: `mean steps to fit: random labels ${mean(labels as number[])}, Gaussian inputs ${mean(inputs as number[])}` };
      },
      tolerance: { atLeast: 1.2, why: 'sooner by a margin beyond seed noise' },
      scale: { profiles: ['quick', 'full'], text: 'MLP 1×512 on 500 MNIST images: measured 168 vs 32 steps (seed 1)' },
    },
    {
      name: 'real examples differ in difficulty, noise examples do not (spread of per-example accuracy over initialisations, real over noise)',
      paper: { where: 'Arpit et al. 2017, Fig. 2', text: 'after the first epoch, per-example accuracy over 100 runs is spread from 0 to 1 for real data and concentrated for noise', value: null },
      unit: 'ratio',
      measure: (runs, c) => {
        const real = perExample(runs, 'true');
        const noise = perExample(runs, 'random');
        if (real === null || noise === null) return { value: null, text: `fewer than 2 finished probe runs per labelling ${unfinishedText(runs)}` };
        return { value: sd(real) / sd(noise), text: `standard deviation across examples of the accuracy over ${c.inits.length} initialisations after ${c.probeEpochs} epoch(s): real ${sd(real).toFixed(3)} (mean ${mean(real).toFixed(2)}), noise ${sd(noise).toFixed(3)} (mean ${mean(noise).toFixed(2)})` };
      },
      tolerance: { atLeast: 1.5, why: 'real data\'s spread should clearly exceed the binomial spread of noise (≈ √(q(1−q)/K)); 1.5× is well beyond the noise of K = 5 initialisations' },
      scale: { profiles: ['quick', 'full'], text: 'MLP 1×512 on 500 MNIST images, 5 initialisations, after 1 epoch' },
    },
  ],
  plots: (runs, c) => {
    const growth = finished(runs).filter((r) => r.tags.growth !== undefined).map((r) => ({ labels: `${r.tags.growth} labels`, n: r.tags.n, epochs: r.result.stepsToFit === null ? null : r.result.epochs }));
    const hist = (['true', 'random'] as const).flatMap((l) => (perExample(runs, l) ?? []).map((a) => ({ labels: l === 'true' ? 'real labels' : 'random labels', accuracy: a })));
    return [
      {
        name: 'memorization-growth',
        title: 'Epochs to fit against training-set size',
        spec: { width: 420, height: 280, data: { values: growth }, mark: { type: 'line', point: true }, encoding: { x: { field: 'n', type: 'quantitative', title: 'training images n', scale: { type: 'log' } }, y: { aggregate: 'mean', field: 'epochs', type: 'quantitative', title: 'epochs to 100% training accuracy' }, color: { field: 'labels', type: 'nominal', title: null } } },
      },
      {
        name: 'memorization-difficulty',
        title: `Per-example accuracy over ${c.inits.length} initialisations after ${c.probeEpochs} epoch(s)`,
        spec: { width: 200, height: 220, data: { values: hist }, mark: 'bar', encoding: { column: { field: 'labels', type: 'nominal', title: null }, x: { field: 'accuracy', type: 'ordinal', title: 'fraction of initialisations right', axis: { format: '.1f' } }, y: { aggregate: 'count', type: 'quantitative', title: 'examples' } } },
      },
    ];
  },
});
