/**
 * <dataDir>/power-restore.json: the power limits RigShift changed and must put back.
 * Written atomically (temp file, fsync, rename, fsync of the folder) BEFORE a limit is
 * changed, so a crash, a kill or a power cut never leaves a card limited without a record.
 * A file that cannot be read is moved aside (power-restore.json.corrupt-<time>), never
 * deleted: it may be the only trace of what to restore.
 */
import { readFileSync, renameSync } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { syncFolder, writeJsonAtomically } from '../node-adapters/atomic-json-file';
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
      await writeJsonAtomically(path, { version: 1, records });
    },
  };
}
