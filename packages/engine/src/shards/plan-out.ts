// Where `orchestrate plan` may write its plan file: checked before anything is planned (or paid for).
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '@orchestrate/core';

/**
 * E_USAGE unless `file` (the resolved `--out`, `given` as typed) can take the plan file: not '', not a folder, its
 * folder exists and is writable, and an existing file there is a plan file (never a source file or any other file).
 */
export async function assertPlanOut(file: string, given: string): Promise<void> {
  if (!given.trim()) throw new UsageError('--out is empty: name the plan file to write, e.g. --out plan.json.');
  const there = await stat(file).catch(() => null);
  if (there?.isDirectory()) {
    throw new UsageError(
      `--out ${given} is a folder: name the plan file, e.g. --out ${path.join(given, 'plan.json')}.`,
    );
  }
  const dir = path.dirname(file);
  const parent = await stat(dir).catch(() => null);
  if (!parent?.isDirectory()) {
    throw new UsageError(
      `--out ${given}: the folder ${dir} does not exist: make it first, or name a file in a folder that does.`,
    );
  }
  const writable = await access(there ? file : dir, constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!writable) throw new UsageError(`--out ${given} cannot be written (no permission): name another file.`);
  if (there && !(await isPlanFile(file))) {
    throw new UsageError(
      `--out ${given} exists and is not a plan file: name a new file (a plan file is only ever replaced by another).`,
    );
  }
}

async function isPlanFile(file: string): Promise<boolean> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as { version?: unknown; planId?: unknown } | null;
    return Boolean(value && typeof value === 'object' && typeof value.planId === 'string' && 'version' in value);
  } catch {
    return false;
  }
}
