/**
 * Figure 1a of Zhang et al. 2017 (§2, "Fitting random labels and pixels"): the training loss of the
 * same network on true labels, random labels, shuffled pixels, random pixels and Gaussian inputs.
 * The paper's point: every one of them is driven to zero loss — 100% training accuracy — by plain
 * SGD with unchanged hyper-parameters; random labels just take longer.
 *
 * Run it: `rethink reproduce --only fig1a` (quick: MLP 1×512 on 500 MNIST images); copy this file
 * and run `rethink experiment ./my-fig1a.ts` to change what is trained or checked.
 */
import { MODEL_IDS, field, finished, median, study, unfinishedText } from 'rethink/experiments';

/** The five curves of Fig. 1a (the paper's §2.1 randomizations). */
const RANDOMIZATIONS = ['true-labels', 'random-labels', 'shuffled-pixels', 'random-pixels', 'gaussian'] as const;

export default study({
  id: 'fig1a',
  title: 'Figure 1a: every randomization is fitted',
  paper: 'Zhang et al. 2017, Fig. 1a',
  summary: 'Training loss against steps for true labels, random labels, shuffled pixels, random pixels and Gaussian inputs, one network and unchanged SGD settings: all reach 100% training accuracy.',
  config: {
    model: field.choice('mlp-1x512', MODEL_IDS, 'the network (the paper: small Inception)'),
    n: field.integer(500, 'training images per run: a stratified seeded subset', { min: 1 }),
    testN: field.integer(10_000, 'test images evaluated at the end (the first of the split)', { min: 1 }),
    epochs: field.integer(150, 'epoch budget; a run stops as soon as a full pass over the training set is classified 100% right', { min: 1 }),
    seeds: field.integers([1], 'seeds: each draws the subset, the randomization, the initialisation and the batch order', { min: 0, max: 4294967295 }),
    randomizations: field.choices([...RANDOMIZATIONS], RANDOMIZATIONS, 'the curves'),
  },
  // The paper's scale: small Inception on all 50,000 CIFAR-10 training images (lr 0.1, Appendix A).
  full: { model: 'small-inception', n: 50_000, epochs: 300 },
  runs: (c) =>
    c.seeds.flatMap((seed) =>
      c.randomizations.map((randomization) => ({
        name: `${randomization} seed ${seed}`,
        fit: { model: c.model, randomization, n: c.n, testN: c.testN, epochs: c.epochs, seed },
        tags: { randomization, seed },
      })),
    ),
  claims: [
    {
      name: 'every randomization reaches 100% training accuracy',
      paper: { where: 'Fig. 1a', text: 'small Inception on CIFAR-10: the training loss of all five randomizations goes to 0', value: 1 },
      unit: 'percent',
      measure: (runs) => {
        const done = finished(runs);
        if (done.length < runs.length) return { value: null, text: unfinishedText(runs) };
        const worst = done.reduce((a, b) => (a.result.trainError >= b.result.trainError ? a : b));
        return {
          value: 1 - worst.result.trainError,
          text: `lowest training accuracy ${(100 * (1 - worst.result.trainError)).toFixed(2)}% (${worst.name}); steps to fit: ${done.map((r) => `${r.name} ${r.result.stepsToFit ?? 'not fitted'}`).join(', ')}`,
        };
      },
      tolerance: { atLeast: 1, why: 'the claim is exact: a run stops when a full re-evaluation of its training set is 100% right, so anything less means it did not fit within the budget' },
      scale: { profiles: ['quick', 'full'], text: 'MLP 1×512 fits each of the five on 500 MNIST images within 150 epochs (measured 8–45); the paper\'s small Inception on CIFAR-10 at the full profile' },
    },
    {
      name: 'random labels take longer to fit than true labels',
      paper: { where: 'Fig. 1a', text: 'the random-label curve is the last to reach zero loss; true labels the first or among the first', value: null },
      unit: 'ratio',
      measure: (runs) => {
        const steps = (r: string): number[] => finished(runs, { randomization: r }).map((x) => x.result.stepsToFit).filter((s): s is number => s !== null);
        const random = steps('random-labels');
        const truth = steps('true-labels');
        if (random.length === 0 || truth.length === 0) return { value: null, text: `no fitted ${random.length === 0 ? 'random-label' : 'true-label'} run ${unfinishedText(runs)}` };
        return { value: median(random) / median(truth), text: `median steps to fit: random labels ${median(random)}, true labels ${median(truth)}` };
      },
      tolerance: { atLeast: 1.2, why: 'slower by a margin that run-to-run noise (≈ ±10% in steps to fit across seeds) does not reach' },
      scale: { profiles: ['quick', 'full'], text: 'measured 2.5× for MLP 1×512 on 500 MNIST images (seed 1)' },
    },
  ],
  plots: (runs) => [
    {
      name: 'figure1a',
      title: 'Fig. 1a: training loss against steps',
      spec: {
        width: 520,
        height: 320,
        data: { values: finished(runs).flatMap((r) => r.result.history.map((h) => ({ randomization: String(r.tags.randomization), seed: r.tags.seed, step: h.steps, loss: h.loss }))) },
        mark: { type: 'line', point: false },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'steps' },
          y: { field: 'loss', type: 'quantitative', title: 'average training loss (epoch)' },
          color: { field: 'randomization', type: 'nominal', title: null, sort: [...RANDOMIZATIONS] },
          detail: { field: 'seed', type: 'nominal' },
        },
      },
    },
  ],
});
