/** Constants the CLI's flag help needs without loading the search (kept free of imports). */

/** The default store of counterexamples, relative to the working directory. */
export const DEFAULT_STORE = '.rethink/counterexamples';
