import path from 'node:path';
import type { FileIndex } from '@orchestrate/repo';

const MAX_LINES = 80;

/**
 * A compact, bounded view of the repository for the planner: directories with file and declaration counts, and the
 * exported names of the largest files — never the code.
 */
export function repoSummary(files: FileIndex[]): string {
  const dirs = new Map<string, { files: number; decls: number; undocumented: number; exported: number }>();
  for (const f of files) {
    const dir = path.posix.dirname(f.path);
    const d = dirs.get(dir) ?? { files: 0, decls: 0, undocumented: 0, exported: 0 };
    d.files++;
    d.decls += f.declarations.length;
    d.undocumented += f.declarations.filter((x) => !x.hasDoc).length;
    d.exported += f.declarations.filter((x) => x.exported).length;
    dirs.set(dir, d);
  }
  const lines = [
    `${files.length} TypeScript files, ${dirs.size} directories.`,
    'directory: files, declarations (undocumented, exported)',
  ];
  const sorted = [...dirs.entries()].sort((a, b) => b[1].decls - a[1].decls);
  for (const [dir, d] of sorted.slice(0, MAX_LINES / 2)) {
    lines.push(`${dir}/: ${d.files} files, ${d.decls} decls (${d.undocumented} undocumented, ${d.exported} exported)`);
  }
  if (sorted.length > MAX_LINES / 2) lines.push(`… ${sorted.length - MAX_LINES / 2} more directories`);
  if (files.length <= 40) {
    lines.push('files: exported names');
    for (const f of files) {
      const names = f.declarations.filter((d) => d.exported && !d.symbol.includes('.')).map((d) => d.symbol);
      lines.push(`${f.path}: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}`);
    }
  }
  return lines.slice(0, MAX_LINES + 2).join('\n');
}

/** Whether `p` names a file, a directory or a glob that matches something in the index. */
export function pathExists(files: FileIndex[], p: string): boolean {
  const clean = p.replace(/^\.\//, '').replace(/\/+$/, '');
  if (!clean) return false;
  return files.some((f) => f.path === clean || f.path.startsWith(`${clean}/`));
}
