/**
 * Reads what a job left in /workspace/out without trusting any of it. Only plain files
 * directly in out/ with safe names count; links, devices, fifos, sockets and folders are
 * skipped and reported, and links are never followed (lstat, then open with O_NOFOLLOW
 * and check the opened file is still the plain file lstat saw). Each kept file is copied
 * into results/ (owned by us, 0600) while its sha256 is computed, so what we hash is
 * exactly what is kept, whatever the job does to out/ later.
 */
import { createHash } from 'node:crypto';
import { constants, mkdirSync } from 'node:fs';
import { lstat, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type JobOutputFile, SafeFileNameSchema } from '../../../shared/domain/job';

export interface OutputLimits {
  maxTotalBytes: number;
  maxFiles: number;
}

export interface SkippedOutput {
  name: string;
  why: string;
}

export type CollectResult =
  | { ok: true; files: JobOutputFile[]; skipped: SkippedOutput[] }
  | { ok: false; message: string; skipped: SkippedOutput[]; diskFull?: true };

export interface OutputUsage {
  bytes: number;
  /** Entries of any kind (files, links, folders...) under out/, recursively. */
  entries: number;
}

/**
 * Size of everything under `dir` (never following links), walked while the job runs.
 * Stops counting once `stopAfterEntries` is passed: the caller only needs to know "over".
 */
export async function measureOutputs(dir: string, stopAfterEntries: number): Promise<OutputUsage> {
  const usage: OutputUsage = { bytes: 0, entries: 0 };
  const walk = async (path: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(path);
    } catch {
      return; // removed meanwhile, or the job made it unreadable: counted by its parent entry
    }
    for (const name of names) {
      if (usage.entries > stopAfterEntries) return;
      usage.entries += 1;
      try {
        const st = await lstat(join(path, name));
        // Length, as collection counts it (a sparse 1 TB file would be 1 TB to hash and upload).
        if (st.isFile()) usage.bytes += st.size;
        if (st.isDirectory()) await walk(join(path, name));
      } catch {
        // Vanished between readdir and lstat.
      }
    }
  };
  await walk(dir);
  return usage;
}

function kindOf(st: import('node:fs').Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a fifo';
  if (st.isSocket()) return 'a socket';
  if (st.isBlockDevice() || st.isCharacterDevice()) return 'a device';
  return 'not a regular file';
}

async function copyAndHash(source: string, target: string, expectIno: number, budget: number): Promise<{ size: number; sha256: string }> {
  // O_NONBLOCK: a fifo swapped in after lstat must not hang us; the fstat check refuses it.
  const input = await open(source, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = await input.stat();
    if (!st.isFile() || st.ino !== expectIno) throw new Error('changed while being collected');
    const output = await open(target, 'wx', 0o600);
    try {
      const hash = createHash('sha256');
      const buffer = Buffer.allocUnsafe(1024 * 1024);
      let size = 0;
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        size += bytesRead;
        if (size > budget) throw new OverLimit();
        const chunk = buffer.subarray(0, bytesRead);
        hash.update(chunk);
        // A write may be short (a file system nearly full): write the rest, which then fails
        // with ENOSPC, rather than keep a truncated copy under the full file's hash.
        for (let offset = 0; offset < chunk.length; ) offset += (await output.write(chunk, offset, chunk.length - offset)).bytesWritten;
      }
      return { size, sha256: hash.digest('hex') };
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

class OverLimit extends Error {}

/** The message of a job that broke its output limits. */
export function outputLimitMessage(limits: OutputLimits): string {
  return `The job wrote more than the output limit (${limits.maxFiles} files, ${limits.maxTotalBytes} bytes).`;
}

/** Copies and hashes the job's outputs from out/ into results/ (created here). */
export async function collectOutputs(outDir: string, resultsDir: string, limits: OutputLimits): Promise<CollectResult> {
  const skipped: SkippedOutput[] = [];
  const files: JobOutputFile[] = [];
  const names = (await readdir(outDir)).sort();
  if (names.length > limits.maxFiles) return { ok: false, message: outputLimitMessage(limits), skipped };
  mkdirSync(resultsDir, { recursive: true, mode: 0o700 });
  let total = 0;
  for (const name of names) {
    const source = join(outDir, name);
    if (!SafeFileNameSchema.safeParse(name).success) {
      skipped.push({ name, why: 'the name is not allowed' });
      continue;
    }
    const st = await lstat(source).catch(() => null);
    if (!st) continue;
    if (!st.isFile()) {
      skipped.push({ name, why: kindOf(st) });
      continue;
    }
    const target = join(resultsDir, name);
    try {
      const copied = await copyAndHash(source, target, st.ino, limits.maxTotalBytes - total);
      total += copied.size;
      files.push({ name, sizeBytes: copied.size, sha256: copied.sha256 });
    } catch (error) {
      await rm(target, { force: true });
      if (error instanceof OverLimit) return { ok: false, message: outputLimitMessage(limits), skipped };
      // Our disk is full, not the job's fault: the results are not dropped (and paid for
      // empty) but the collection fails as a machine fault, so the job can run again.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') return { ok: false, message: `The results could not be saved: disk full: free space in ${resultsDir}`, skipped, diskFull: true };
      skipped.push({ name, why: `could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    }
  }
  return { ok: true, files, skipped };
}

/**
 * What a run stopped early wrote so far (a market v2 release's checkpoint): collected under
 * the same checks as a result, and nothing at all when they fail (no partial checkpoint).
 */
export async function collectCheckpoint(outDir: string, resultsDir: string, limits: OutputLimits): Promise<JobOutputFile[]> {
  const collected = await collectOutputs(outDir, resultsDir, limits).catch(() => null);
  return collected?.ok ? collected.files : [];
}
