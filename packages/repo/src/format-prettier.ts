import path from 'node:path';
import { nodeLoadsTypeScript, relative, toolEnv, typeScriptFlags } from './format-support.js';
import type { FormatFileResult, FormatterInfo } from './format-types.js';
import { describeToolFailure, firstLines, runTool, toolSucceeded } from './tool-process.js';

/**
 * The script a prettier child process runs: it loads the given prettier, then for each file does what the prettier
 * CLI does for `--stdin-filepath` (ignore files, config with `.editorconfig` and plugins, infer the parser, format),
 * and prints one JSON document. A file's error is that file's; only a prettier that cannot load fails them all.
 */
const PRETTIER_SCRIPT = String.raw`
const { pathToFileURL } = require('node:url');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', async () => {
  const req = JSON.parse(input);
  const message = (e) => (e && e.name && e.name !== 'Error' ? e.name + ': ' : '') + String((e && (e.message || e.stack)) || e);
  let prettier;
  try {
    const ns = await import(pathToFileURL(req.entry).href);
    prettier = typeof ns.format === 'function' ? ns : ns.default;
    if (!prettier || typeof prettier.format !== 'function') throw new Error(req.entry + ' does not look like prettier');
  } catch (e) {
    process.stdout.write(JSON.stringify({ fatal: message(e) }));
    return;
  }
  const major = Number(String(prettier.version).split('.')[0]);
  const ignorePath = major >= 3 ? req.ignorePaths : req.ignorePaths[req.ignorePaths.length - 1];
  const results = [];
  for (const f of req.files) {
    try {
      const info = await prettier.getFileInfo(f.path, { ignorePath, resolveConfig: true });
      if (info.ignored || !info.inferredParser) {
        results.push({ ok: true });
        continue;
      }
      const config = (await prettier.resolveConfig(f.path, { editorconfig: true })) || {};
      const options = Object.assign({}, req.defaults, config, { filepath: f.path });
      if (options.endOfLine === undefined) options.endOfLine = 'auto';
      const text = await prettier.format(f.text, options);
      results.push(text === f.text ? { ok: true } : { ok: true, text });
    } catch (e) {
      results.push({ ok: false, error: message(e) });
    }
  }
  process.stdout.write(JSON.stringify({ version: prettier.version, results }));
});
`;

export async function prettierBatch(
  info: FormatterInfo,
  repoRoot: string,
  files: { absolute: string; text: string }[],
  timeoutMs: number,
): Promise<FormatFileResult[]> {
  const input = JSON.stringify({
    entry: info.executable,
    ignorePaths: [path.join(repoRoot, '.gitignore'), path.join(repoRoot, '.prettierignore')],
    defaults: info.derived?.options ?? {},
    files: files.map((f) => ({ path: f.absolute, text: f.text })),
  });
  const whose = info.source === 'bundled' ? "orchestrate's" : "the repository's";
  const one =
    files.length === 1 ? ` --stdin-filepath ${relative(repoRoot, files[0]!.absolute)}` : ` on ${files.length} files`;
  const result = await runTool({
    command: process.execPath,
    args: [...typeScriptFlags(), '-e', PRETTIER_SCRIPT],
    cwd: repoRoot,
    input,
    timeoutMs,
    maxOutputBytes: 4 * input.length + 1024 * 1024,
    env: toolEnv(),
    label: `prettier${one} (${whose} prettier ${info.version}, ${relative(repoRoot, info.executable!)})`,
  });
  const all = (reason: string) => files.map((): FormatFileResult => ({ ok: false, reason }));
  if (!toolSucceeded(result)) return all(describeToolFailure(result, timeoutMs));
  let parsed: { fatal?: string; results?: ({ ok: true; text?: string } | { ok: false; error: string })[] };
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch {
    return all(`\`${result.label}\` printed no result: ${firstLines(result.stderr || result.stdout) || 'no output'}`);
  }
  if (parsed.fatal !== undefined || parsed.results?.length !== files.length) {
    return all(`\`${result.label}\` could not load prettier: ${firstLines(parsed.fatal ?? 'no result')}`);
  }
  return parsed.results.map((r, i): FormatFileResult => {
    const file = files[i]!;
    if (r.ok) return { ok: true, text: r.text ?? file.text };
    const hint =
      /ERR_UNKNOWN_FILE_EXTENSION|Unknown file extension "\.[cm]?ts"/.test(r.error) && !nodeLoadsTypeScript()
        ? ` (a TypeScript prettier config needs Node 22.6 or later; this is Node ${process.versions.node})`
        : '';
    return {
      ok: false,
      reason: `\`prettier --stdin-filepath ${relative(repoRoot, file.absolute)}\` (${whose} prettier ${info.version}) failed: ${firstLines(r.error, 2)}${hint}`,
    };
  });
}
