/**
 * Where a result came from: the `rethink` version that computed it, and — only when it ran from the
 * project's own git checkout — that checkout's commit. (An installed package lives inside the user's
 * project: asking git there would name the user's commit, not ours.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What {@link provenance} reports. */
export interface Provenance {
  /** the package's version */
  version: string;
  /** 'checkout': run from the rethink repository itself (commit below); 'package': an installed copy */
  source: 'checkout' | 'package';
  /** the checkout's HEAD commit (source 'checkout' only), with '-dirty' when it has uncommitted changes */
  commit: string | null;
}

let cached: Provenance | null = null;

/**
 * The version and, in the project's own checkout, the commit.
 *
 * @example
 * provenance(); // { version: '0.1.0', source: 'package', commit: null }
 */
export function provenance(): Provenance {
  if (cached !== null) return cached;
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  let commit: string | null = null;
  // Our checkout: the package root is itself the top of a git work tree (a .git entry right there).
  if (existsSync(join(root, '.git'))) {
    try {
      const git = (args: string[]): string => execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      if (realpathSync(git(['rev-parse', '--show-toplevel'])) === realpathSync(root)) {
        commit = git(['rev-parse', 'HEAD']) + (git(['status', '--porcelain', '--untracked-files=no']) === '' ? '' : '-dirty');
      }
    } catch {
      commit = null; // no git on the PATH: the version alone
    }
  }
  cached = { version: pkg.version, source: commit === null ? 'package' : 'checkout', commit };
  return cached;
}
