/** One AGENTS.md (or AGENTS.override.md) file of a job's chain: its repository path and its text. */
export interface AgentsDoc {
  path: string;
  text: string;
}

/** The AGENTS files that apply to one file, root → leaf, and whether the byte cap cut them. */
export interface AgentsChain {
  docs: AgentsDoc[];
  /** Whether the byte cap cut the chain. */
  truncated: boolean;
  /** The file the cap cut (the files below it were left out), or null when everything fit. */
  cutAt: string | null;
}

/**
 * The names read in every folder, in the order they win (Codex's): an override replaces the folder's AGENTS.md, so a
 * folder gives at most one file.
 */
export const AGENTS_FILE_NAMES = ['AGENTS.override.md', 'AGENTS.md'] as const;

/**
 * The AGENTS files that apply to `file` (a repository-relative path), from the repository root down to the file's
 * folder: in each folder the first non-empty file of `AGENTS_FILE_NAMES`. Root first, so the nearest file comes last
 * and wins. Their combined UTF-8 size stops at `maxBytes`: the file that crosses it is cut at a character boundary and
 * the rest are dropped. A sibling folder's file never applies.
 */
export function agentsChain(docs: ReadonlyMap<string, string>, file: string, maxBytes: number): AgentsChain {
  const picked: AgentsDoc[] = [];
  for (const folder of foldersOf(file)) {
    for (const name of AGENTS_FILE_NAMES) {
      const docPath = folder ? `${folder}/${name}` : name;
      const text = docs.get(docPath);
      if (text === undefined || !text.trim()) continue;
      picked.push({ path: docPath, text });
      break;
    }
  }
  return capBytes(picked, Math.max(0, Math.floor(maxBytes)));
}

/** What a run hands the kinds: the chain of any file (memoized per folder), and a warning when the cap cut one. */
export interface AgentsLookup {
  /** The AGENTS files that apply to a file, root → leaf, capped; [] when none does. */
  agentsMdFor(file: string): AgentsDoc[];
  /** One warning naming a file the cap cut among the chains of `files`, or null when none was cut. */
  warning(files: Iterable<string>): string | null;
}

/**
 * A run's AGENTS lookup over the files read from its commit (`docs`: path → text; other paths are ignored). Every
 * file of a folder shares the folder's chain, so a chain is built once per folder however many jobs it has.
 */
export function agentsLookup(docs: ReadonlyMap<string, string>, maxBytes: number): AgentsLookup {
  const byFolder = new Map<string, AgentsChain>();
  const chainOf = (file: string): AgentsChain => {
    const folder = folderOf(file);
    let chain = byFolder.get(folder);
    if (!chain) {
      // Any name in the folder stands for it: the chain depends on the folders only.
      chain = agentsChain(docs, folder ? `${folder}/_` : '_', maxBytes);
      byFolder.set(folder, chain);
    }
    return chain;
  };
  const none = ![...docs.keys()].some(isAgentsPath);
  return {
    agentsMdFor: (file) => (none ? [] : chainOf(file).docs),
    warning(files) {
      if (none) return null;
      for (const file of files) {
        const cut = chainOf(file).cutAt;
        if (cut === null) continue;
        return (
          `the AGENTS.md files for ${file} are over agentsMd.maxBytes (${maxBytes} bytes): ${cut} was cut and the ` +
          'files below it left out; shorten them or raise agentsMd.maxBytes'
        );
      }
      return null;
    },
  };
}

/** Whether a repository path names an AGENTS file. */
function isAgentsPath(p: string): boolean {
  return (AGENTS_FILE_NAMES as readonly string[]).includes(p.slice(p.lastIndexOf('/') + 1));
}

/** The folder of a repository path ('' for the root). */
function folderOf(file: string): string {
  const normal = file.replace(/\\/g, '/');
  const slash = normal.lastIndexOf('/');
  return slash < 0 ? '' : normal.slice(0, slash);
}

/** '' (the root), then every folder down to the file's own: `a/b/c.ts` → '', 'a', 'a/b'. */
function foldersOf(file: string): string[] {
  const parts = folderOf(file).split('/').filter(Boolean);
  return ['', ...parts.map((_, i) => parts.slice(0, i + 1).join('/'))];
}

function capBytes(docs: AgentsDoc[], maxBytes: number): AgentsChain {
  const kept: AgentsDoc[] = [];
  let room = maxBytes;
  for (const doc of docs) {
    const bytes = Buffer.byteLength(doc.text, 'utf8');
    if (bytes <= room) {
      kept.push(doc);
      room -= bytes;
      continue;
    }
    const text = utf8Prefix(doc.text, room);
    if (text.trim()) kept.push({ path: doc.path, text });
    return { docs: kept, truncated: true, cutAt: doc.path };
  }
  return { docs: kept, truncated: false, cutAt: null };
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
function utf8Prefix(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // A continuation byte (10xxxxxx) at the cut means the cut is inside a character: back up to its first byte.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.toString('utf8', 0, end);
}
