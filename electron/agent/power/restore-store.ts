/**
 * <dataDir>/power-restore.json: the power limits RigShift changed and must put back.
 * Written atomically (temp file, fsync, rename, fsync of the folder) BEFORE a limit is
 * changed, so a crash, a kill or a power cut never leaves a card limited without a record.
 * A file that cannot be read is moved aside (power-restore.json.corrupt-<time>), never
 * deleted: it may be the only trace of what to restore.
 */
import { readFileSync, renameSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Clock, Logger } from '../ports';

export const RESTORE_FILE_NAME = 'power-restore.json';

export const RestoreRecordSchema = z.object({
  gpuUuid: z.string().min(1),
  /** The limit the card had before RigShift first changed it, as nvidia-smi read it (W). */
  previousW: z.number().positive(),
  /** The limit RigShift applied last (W). */
  appliedW: z.number().positive(),
  /** When the record was written (ISO 8601). */
  at: z.string().datetime(),
  /** The card's accepted range when the record was written, to clamp the restore value. */
  minW: z.number().nullable().optional(),
  maxW: z.number().nullable().optional(),
});
export type RestoreRecord = z.infer<typeof RestoreRecordSchema>;

const RestoreFileSchema = z.object({
  version: z.literal(1),
  records: z.array(RestoreRecordSchema),
});

export interface RestoreStore {
  readonly path: string;
  /** Reads the file; a missing file is []. A corrupt one is moved aside and reads as []. */
  load(): RestoreRecord[];
  /** Atomically replaces the file; an empty list removes it. */
  save(records: readonly RestoreRecord[]): Promise<void>;
}

export function createRestoreStore(deps: { dataDir: string; logger: Logger; clock: Clock }): RestoreStore {
  const path = join(deps.dataDir, RESTORE_FILE_NAME);
  let tempCounter = 0;

  return {
    path,
    load() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      let parsed: z.infer<typeof RestoreFileSchema> | null = null;
      try {
        const result = RestoreFileSchema.safeParse(JSON.parse(text));
        if (result.success) parsed = result.data;
      } catch {
        parsed = null;
      }
      if (parsed) return parsed.records;
      const aside = `${path}.corrupt-${deps.clock.now().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(path, aside);
      deps.logger.error(
        `${RESTORE_FILE_NAME} could not be read; it was kept as ${aside}. Power limits recorded in it cannot be restored automatically: ` +
          'reboot the computer (the driver resets power limits) or set them back with nvidia-smi -pl.',
        { path: aside },
      );
      return [];
    },
    async save(records) {
      await mkdir(dirname(path), { recursive: true });
      if (records.length === 0) {
        await unlink(path).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
        await syncFolder(dirname(path));
        return;
      }
      const temp = `${path}.${process.pid}.${++tempCounter}.tmp`;
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify({ version: 1, records }, null, 2)}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temp, path);
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
      }
      await syncFolder(dirname(path));
    },
  };
}

/** Makes the rename itself durable. Folders cannot be opened for fsync on Windows. */
async function syncFolder(folder: string): Promise<void> {
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
