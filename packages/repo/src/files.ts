import picomatch from 'picomatch';
import { gitBuffer } from './git.js';

/** A file read from a commit, or the reason it was skipped. */
export interface RepoFile {
  path: string;
  text: string;
}

/** A file left out of the index, with the reason (reported, never silent). */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** Options for reading the files of a commit. */
export interface ReadFilesOptions {
  include: string[];
  exclude: string[];
  maxFileBytes: number;
}

interface TreeEntry {
  mode: string;
  type: string;
  sha: string;
  size: number;
  path: string;
}

/**
 * Reads the source files of `commit` straight from git's object store: what git tracks at that commit, never the
 * working tree. Symlinks and submodules are never followed; large, binary, non-UTF-8 and minified files are skipped.
 */
export async function readCommitFiles(
  root: string,
  commit: string,
  options: ReadFilesOptions,
): Promise<{ files: RepoFile[]; skipped: SkippedFile[] }> {
  const isIncluded = picomatch(options.include, { dot: false });
  const isExcluded = picomatch(options.exclude, { dot: true });
  const listing = await gitBuffer(root, ['ls-tree', '-r', '-z', '--long', '--full-tree', commit]);
  const skipped: SkippedFile[] = [];
  const wanted: TreeEntry[] = [];
  for (const entry of parseTree(listing)) {
    if (!isIncluded(entry.path) || isExcluded(entry.path)) continue;
    if (entry.mode === '120000') skipped.push({ path: entry.path, reason: 'symlink (not followed)' });
    else if (entry.type === 'commit') skipped.push({ path: entry.path, reason: 'submodule (ignored)' });
    else if (entry.type !== 'blob') continue;
    else if (entry.size > options.maxFileBytes) {
      skipped.push({ path: entry.path, reason: `larger than ${options.maxFileBytes} bytes` });
    } else wanted.push(entry);
  }
  const files: RepoFile[] = [];
  if (wanted.length === 0) return { files, skipped };
  const blobs = await gitBuffer(root, ['cat-file', '--batch'], wanted.map((e) => e.sha).join('\n') + '\n');
  let offset = 0;
  for (const entry of wanted) {
    const headerEnd = blobs.indexOf(10, offset);
    const size = Number(blobs.toString('latin1', offset, headerEnd).split(' ')[2]);
    const bytes = blobs.subarray(headerEnd + 1, headerEnd + 1 + size);
    offset = headerEnd + 1 + size + 1;
    const reason = unreadableReason(bytes, entry.path);
    if (reason) skipped.push({ path: entry.path, reason });
    else files.push({ path: entry.path, text: bytes.toString('utf8') });
  }
  return { files, skipped };
}

function parseTree(buf: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of buf.toString('utf8').split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode = '', type = '', sha = '', size = '0'] = record.slice(0, tab).split(/\s+/);
    entries.push({ mode, type, sha, size: size === '-' ? 0 : Number(size), path: record.slice(tab + 1) });
  }
  return entries;
}

const GENERATED_MARKER = /@generated|auto-generated|do not edit/i;

/** Why a file's bytes should not be indexed, or null when they are fine. */
export function unreadableReason(bytes: Uint8Array, file: string): string | null {
  if (bytes.includes(0)) return 'binary';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'not UTF-8';
  }
  if (/\.min\.[cm]?[jt]sx?$/.test(file)) return 'minified';
  const head = Buffer.from(bytes.subarray(0, 2000)).toString('utf8');
  if (GENERATED_MARKER.test(head.split('\n').slice(0, 5).join('\n'))) return 'generated';
  const lines = Buffer.from(bytes).toString('utf8').split('\n');
  if (bytes.length > 5000 && lines.length < 5) return 'minified (very long lines)';
  return null;
}
