import picomatch from 'picomatch';
import { gitBuffer } from './git.js';
import { SECRET_FILE_REASON, secretFileMatcher } from './secrets.js';

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
  /** More secret-file globs on top of the built-in ones (`.env*`, `*.pem`, `id_rsa*`, …). */
  secrets?: { files: readonly string[] };
  /**
   * Paths read as well, whatever `include` and `exclude` say (`package.json`, `AGENTS.md`), into `extras`: a regular
   * file's text, read in the same pass as the sources; absent (or a symlink, over 4 MB, or not UTF-8 text) it is not there.
   */
  extras?: readonly string[];
  /**
   * File names read as well at any depth (`AGENTS.override.md`, `AGENTS.md`), into `extras` under their paths, in
   * the same pass and with the same rules as `extras`; one whose path `exclude` matches is not read (its folder's
   * sources are not indexed, so no job could use it).
   */
  extraNames?: readonly string[];
}

/** The most bytes of an `extras` file that are read. */
const MAX_EXTRA_BYTES = 4 * 1024 * 1024;

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
 * Secret files (keys, `.env*`, credential files) are never read, and are reported as skipped even when `include` would
 * not have taken them, so the report shows what was kept from the models.
 */
export async function readCommitFiles(
  root: string,
  commit: string,
  options: ReadFilesOptions,
): Promise<{ files: RepoFile[]; skipped: SkippedFile[]; extras: Map<string, string> }> {
  const isIncluded = picomatch(options.include, { dot: false });
  const isExcluded = picomatch(options.exclude, { dot: true });
  const isSecret = secretFileMatcher(options.secrets?.files);
  // A submodule, or a symlink not named like a file (`src/linked`), is reported too when included files could lie under it.
  const probes = options.include.map(probeName);
  const mayBeIncludedDir = (entry: TreeEntry) =>
    (entry.type === 'commit' || (entry.mode === '120000' && !/\.[^./]+$/.test(entry.path))) &&
    probes.some((probe) =>
      [`${entry.path}/${probe}`, `${entry.path}/x/${probe}`].some((p) => isIncluded(p) && !isExcluded(p)),
    );
  const listing = await gitBuffer(root, ['ls-tree', '-r', '-z', '--long', '--full-tree', commit]);
  const skipped: SkippedFile[] = [];
  const wanted: TreeEntry[] = [];
  const isExtra = extraMatcher(options.extras ?? [], options.extraNames ?? [], isExcluded);
  const extraEntries: TreeEntry[] = [];
  for (const entry of parseTree(listing)) {
    if (isExtra(entry.path) && entry.type === 'blob' && entry.mode !== '120000' && entry.size <= MAX_EXTRA_BYTES)
      extraEntries.push(entry);
    if (isExcluded(entry.path)) continue;
    if (isSecret(entry.path)) skipped.push({ path: entry.path, reason: SECRET_FILE_REASON });
    else if (!isIncluded(entry.path) && !mayBeIncludedDir(entry)) continue;
    else if (entry.mode === '120000') skipped.push({ path: entry.path, reason: 'symlink (not followed)' });
    else if (entry.type === 'commit') skipped.push({ path: entry.path, reason: 'submodule (ignored)' });
    else if (entry.type !== 'blob') continue;
    else if (entry.size > options.maxFileBytes) {
      skipped.push({ path: entry.path, reason: `larger than ${options.maxFileBytes} bytes` });
    } else wanted.push(entry);
  }
  const files: RepoFile[] = [];
  const extras = new Map<string, string>();
  if (wanted.length + extraEntries.length === 0) return { files, skipped, extras };
  const all = [...wanted, ...extraEntries];
  const blobs = await gitBuffer(root, ['cat-file', '--batch'], all.map((e) => e.sha).join('\n') + '\n');
  let offset = 0;
  for (const [i, entry] of all.entries()) {
    const headerEnd = blobs.indexOf(10, offset);
    const size = Number(blobs.toString('latin1', offset, headerEnd).split(' ')[2]);
    const bytes = blobs.subarray(headerEnd + 1, headerEnd + 1 + size);
    offset = headerEnd + 1 + size + 1;
    if (i >= wanted.length) {
      // What is not text (NUL bytes, not UTF-8) would reach a model as replacement characters: it is not there.
      if (isText(bytes)) extras.set(entry.path, bytes.toString('utf8'));
      continue;
    }
    const reason = unreadableReason(bytes, entry.path);
    if (reason) skipped.push({ path: entry.path, reason });
    else files.push({ path: entry.path, text: bytes.toString('utf8') });
  }
  return { files, skipped, extras };
}

/** Whether a tree path is an extra: one of the paths asked for, or a name asked for at any depth outside `exclude`. */
function extraMatcher(
  paths: readonly string[],
  names: readonly string[],
  isExcluded: (path: string) => boolean,
): (path: string) => boolean {
  const exact = new Set(paths);
  const anywhere = new Set(names);
  if (anywhere.size === 0) return (p) => exact.has(p);
  return (p) => exact.has(p) || (anywhere.has(p.slice(p.lastIndexOf('/') + 1)) && !isExcluded(p));
}

/** A file name that an include glob's last segment matches (`*.{ts,tsx}` → `x.ts`). */
function probeName(glob: string): string {
  const last = glob.split('/').pop() ?? '';
  return last
    .replace(/\{([^},]*)[^}]*\}/g, '$1')
    .replace(/\[!?([^\]])[^\]]*\]/g, '$1')
    .replace(/\*+|\?/g, 'x');
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
/** Phrases that mark a file as generated, looked for only in the comments the file starts with. */
const GENERATED_HEADER =
  /\b(?:this|the)\s+(?:file|code|module|source)\s+(?:is|was|has\s+been)\s+(?:auto(?:matically)?[- ]?)?generated\b|\bgenerated\s+(?:file|code)\b|\bautomatically\s+generated\b|\bchanges\s+(?:to\s+this\s+file\s+)?(?:will|may)\s+be\s+(?:lost|overwritten)\b|\bdo\s+not\s+(?:modify|change)\b/i;
/** Generated files by name: `api.generated.ts`, `routeTree.gen.ts`. */
const GENERATED_NAME = /\.(?:generated|gen)\.[cm]?[jt]sx?$/;
/** Longer lines than this on average are not hand-written code. */
const MAX_AVERAGE_LINE = 300;

/** The comments a file starts with (after a BOM, a shebang and blank lines), up to its first code. */
function leadingComments(head: string): string {
  return /^\uFEFF?(?:#![^\n]*\n)?(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(head)?.[0] ?? '';
}

/** Whether bytes are UTF-8 text without NUL bytes. */
function isText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Why a file's bytes should not be indexed, or null when they are fine. */
export function unreadableReason(bytes: Uint8Array, file: string): string | null {
  if (bytes.includes(0)) return 'binary';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'not UTF-8';
  }
  if (/\.min\.[cm]?[jt]sx?$/.test(file)) return 'minified';
  if (GENERATED_NAME.test(file)) return 'generated';
  const head = Buffer.from(bytes.subarray(0, 2000)).toString('utf8');
  if (GENERATED_MARKER.test(head.split('\n').slice(0, 5).join('\n'))) return 'generated';
  if (GENERATED_HEADER.test(leadingComments(head))) return 'generated';
  const lines = Buffer.from(bytes).toString('utf8').split('\n');
  if (bytes.length > 5000 && (lines.length < 5 || bytes.length / lines.length > MAX_AVERAGE_LINE))
    return 'minified (very long lines)';
  return null;
}
