import picomatch from 'picomatch';
import type { Job, PlanStep, Selector } from '@orchestrate/core';
import type { Declaration } from '@orchestrate/repo';
import type { JobTarget, KindContext } from '../kind.js';

/** Whether a repository path matches a selector path: a glob, a file, or a directory prefix. */
export function pathMatcher(paths: string[]): (file: string) => boolean {
  if (paths.length === 0) return () => true;
  const globs = paths.flatMap((p) => {
    const clean = p.replace(/^\.\//, '').replace(/\/+$/, '');
    return /[*?{[]/.test(clean) ? [clean] : [clean, `${clean}/**`];
  });
  return picomatch(globs, { dot: true });
}

/** Whether a declaration is selected (kinds, names, exported, missing docs). */
export function declarationSelected(decl: Declaration, selector: Selector): boolean {
  if (selector.exportedOnly && !decl.exported) return false;
  if (selector.missingDocsOnly && decl.hasDoc) return false;
  if (selector.declarationKinds.length && !selector.declarationKinds.includes(decl.kind)) return false;
  if (selector.names.length) {
    const short = decl.symbol.split('.').pop();
    if (!selector.names.includes(decl.symbol) && !(short && selector.names.includes(short))) return false;
  }
  return true;
}

/** One job per declaration that `accept`s, in files the selector's paths (and `changedSince`) allow. */
export function selectDeclarations(step: PlanStep, ctx: KindContext, accept: (d: Declaration) => boolean): JobTarget[] {
  const files = ctx.files;
  const inPaths = pathMatcher(step.selector.paths);
  const out: JobTarget[] = [];
  for (const file of files) {
    if (!inPaths(file.path)) continue;
    if (ctx.changed && step.selector.changedSince && !ctx.changed.has(file.path)) continue;
    for (const declaration of file.declarations) {
      if (!accept(declaration)) continue;
      const job: Job = {
        id: `${step.id}:${declaration.id}`,
        stepId: step.id,
        kind: step.kind,
        file: file.path,
        symbol: declaration.symbol,
        declarationKind: declaration.kind,
      };
      out.push({ job, step, declaration, file, lines: null });
    }
  }
  return out;
}
