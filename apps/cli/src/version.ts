import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The CLI package's manifest: the nearest package.json above this module (its source file or the bundle it is in). */
function manifest(): { version: string } {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('package.json', dir)), 'utf8')) as {
        name?: string;
        version: string;
      };
      if (pkg.name === '@orchestrate/cli') return pkg;
    } catch {
      // no manifest here: look further up
    }
    if (new URL('..', dir).href === dir.href) return { version: '0.0.0' };
  }
}

/** The CLI's version, from its package.json. */
export const VERSION: string = manifest().version;
