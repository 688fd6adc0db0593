/**
 * Every registry entry is reachable from the CLI: a model is a `--model` choice of `fit` and
 * `figure1` and listed by `rethink models`; a randomization is a `--randomization` choice of `fit`
 * (and, for label randomizations, of `expressivity` and `kernel`); a hypothesis class is a `--class`
 * choice of `rademacher` (test/rademacher/classes.test.ts runs each one and checks its laws). Adding an entry to a registry is
 * all it takes (the tests that loop over the registries cover it).
 */
import { describe, expect, test } from 'vitest';
import { COMMANDS } from '../src/cli/commands.js';
import { MODEL_IDS } from '../src/models/registry.js';
import { CLASS_IDS } from '../src/rademacher/classes.js';
import { LABEL_RANDOMIZATIONS, RANDOMIZATIONS, RANDOMIZATION_SPECS } from '../src/randomization/registry.js';

const choices = (command: keyof typeof COMMANDS, flag: string): readonly string[] => {
  const spec = (COMMANDS[command].flags as Record<string, { choices?: readonly string[] }>)[flag];
  return spec?.choices ?? [];
};

describe('registries are the CLI\'s choices', () => {
  test('models', () => {
    expect(choices('fit', 'model')).toEqual(MODEL_IDS);
  });

  test('randomizations', () => {
    expect(choices('fit', 'randomization')).toEqual(RANDOMIZATIONS);
    expect(LABEL_RANDOMIZATIONS).toEqual(RANDOMIZATIONS.filter((id) => RANDOMIZATION_SPECS[id].kind === 'labels'));
    expect(choices('expressivity', 'randomization')).toEqual(LABEL_RANDOMIZATIONS);
    expect(choices('kernel', 'randomization')).toEqual(LABEL_RANDOMIZATIONS);
  });

  test('hypothesis classes', () => {
    expect(choices('rademacher', 'class')).toEqual(CLASS_IDS);
  });
});
