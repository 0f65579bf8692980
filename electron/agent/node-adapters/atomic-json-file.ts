/**
 * Small JSON documents the agent must never leave half-written: temp file, fsync, rename
 * over the old one, fsync of the folder. A reader sees the old document or the new one.
 */
import { readFileSync, renameSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

let tempCounter = 0;

export async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${++tempCounter}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
    await handle.sync();
  } catch (error) {
    // A full disk: the half-written temp file would keep the space taken, so the next
    // write would fail too even after the owner freed some.
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncFolder(dirname(path));
}

export type JsonFileRead<T> =
  | { kind: 'missing' }
  | { kind: 'ok'; value: T }
  /** The file could not be parsed or validated; it was renamed to `keptAs`. */
  | { kind: 'corrupt'; keptAs: string; reason: string };

/**
 * Reads and validates a JSON document. One that cannot be used is moved aside
 * (<name>.corrupt-<time>), never deleted: the owner or a developer may want to look at it.
 */
export function readJsonOrSetAside<T>(
  path: string,
  parse: (raw: unknown) => { ok: true; value: T } | { ok: false; reason: string },
  now: Date,
): JsonFileRead<T> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  let reason: string;
  try {
    const parsed = parse(JSON.parse(text));
    if (parsed.ok) return { kind: 'ok', value: parsed.value };
    reason = parsed.reason;
  } catch (error) {
    reason = error instanceof Error ? error.message : String(error);
  }
  const keptAs = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, keptAs);
  return { kind: 'corrupt', keptAs, reason };
}

/** Makes the rename itself durable. Folders cannot be opened for fsync on Windows. */
export async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: some file systems refuse fsync on a directory.
  }
}
