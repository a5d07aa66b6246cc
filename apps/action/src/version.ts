import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The action package's manifest: the nearest package.json named @orchestrate/action above this module (its source
 * file, or dist/index.cjs in the bundle, whose `import.meta.url` is the bundle's own).
 */
function manifest(): { version: string } {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('package.json', dir)), 'utf8')) as {
        name?: string;
        version: string;
      };
      if (pkg.name === '@orchestrate/action') return pkg;
    } catch {
      // no manifest here: look further up
    }
    if (new URL('..', dir).href === dir.href) return { version: '0.0.0' };
  }
}

/** The action's version, from its package.json. */
export const VERSION: string = manifest().version;
