/**
 * SIGINT (Ctrl-C) and SIGTERM during a long run: the first asks the run to stop at the next step
 * boundary (what was checkpointed stays); a second one ends the process at once.
 */

/** Exit status of a run stopped by a signal (the shell's 128 + SIGINT). */
export const INTERRUPTED_EXIT = 130;

/**
 * Runs `f` with an AbortSignal that SIGINT or SIGTERM aborts; the handlers are removed afterwards.
 *
 * @example
 * await whileInterruptible((signal) => fit(config, { signal }));
 */
export async function whileInterruptible<T>(f: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT); // a second signal: stop now
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await f(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Quotes a word for a POSIX shell when it needs it (spaces, quotes, `$`, …). */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The flags as a command line gives them back: `--name value` for each given flag, `--name` for a
 * boolean, one `--name value` per item of a list; values quoted for a shell where needed.
 *
 * @example
 * flagsText({ out: 'runs/a', seed: 3, resume: true }); // '--out runs/a --seed 3 --resume'
 */
export function flagsText(flags: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(flags)) {
    if (v === undefined || v === false) continue;
    if (v === true) parts.push(`--${k}`);
    else if (Array.isArray(v)) parts.push(...v.map((x) => `--${k} ${shellWord(String(x))}`));
    else parts.push(`--${k} ${shellWord(String(v))}`);
  }
  return parts.join(' ');
}
