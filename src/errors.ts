/**
 * An error in what the user gave (data, flags, files): the message names the problem and the fix.
 * The CLI prints such errors as one line without a stack trace (unless `--debug`).
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}
