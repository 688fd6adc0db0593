/**
 * The paper's randomizations (Zhang et al. 2017, §2.1) by name, kept apart from their code so that
 * listing them loads nothing.
 */
export const RANDOMIZATIONS = ['true-labels', 'corrupt-labels', 'random-labels', 'shuffled-pixels', 'random-pixels', 'gaussian'] as const;
export type RandomizationId = (typeof RANDOMIZATIONS)[number];

/** The randomizations that change labels only: the ones that apply to any labelled data. */
export const LABEL_RANDOMIZATIONS = ['true-labels', 'corrupt-labels', 'random-labels'] as const;
export type LabelRandomizationId = (typeof LABEL_RANDOMIZATIONS)[number];
