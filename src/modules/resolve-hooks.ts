/**
 * A module-resolution hook (Node's `module.register`) that lets a user's study or conjecture file
 * import `rethink` and `rethink/…` from anywhere — a copy in /tmp, a project that has not installed
 * the package — by resolving those specifiers, when the file's own resolution fails, from the
 * package that is running. A project with its own `rethink` installed keeps it. Registered by
 * `importFile` (src/modules/import-file.ts) before it imports a user's file.
 */

/** The package's package.json as a file URL, sent by `importFile` through `register`'s data. */
let self: string | null = null;

/** Receives the running package's package.json URL. */
export function initialize(data: { self: string }): void {
  self = data.self;
}

type NextResolve = (specifier: string, context: { parentURL?: string; conditions?: readonly string[] }) => Promise<{ url: string }>;

/**
 * Resolves `rethink` and `rethink/<subpath>` through the package's own exports (a self-reference
 * from its package.json) when the importing file cannot resolve them itself.
 */
export async function resolve(specifier: string, context: { parentURL?: string; conditions?: readonly string[] }, nextResolve: NextResolve): Promise<{ url: string }> {
  if (self === null || (specifier !== 'rethink' && !specifier.startsWith('rethink/'))) return nextResolve(specifier, context);
  try {
    return await nextResolve(specifier, context);
  } catch {
    return nextResolve(specifier, { ...context, parentURL: self });
  }
}
