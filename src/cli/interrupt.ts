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
