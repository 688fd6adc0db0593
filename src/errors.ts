/**
 * An error in what the user gave (data, flags, files): the message names the problem and the fix.
 * The CLI prints such errors as one line without a stack trace (unless `--debug`).
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/**
 * A long run was stopped on request (SIGINT/SIGTERM in the CLI) at a step boundary: `epochsDone`
 * epochs were finished (and checkpointed, when the run has a store). The CLI exits with 130.
 */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor(readonly epochsDone: number) {
    super(`interrupted after epoch ${epochsDone}`);
  }
}
