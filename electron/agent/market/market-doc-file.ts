/**
 * The documents of posted jobs, each stored once in a file beside the event log
 * (<dataDir>/market/index/<chainKey>.<generation>.docs), addressed by offset and length,
 * deflated when that saves space. The event log keeps only the reference and the few facts
 * the verdicts need, so open jobs' documents stay out of memory (issue 11 flood) and are
 * read back when a job is viewed in detail or claimed.
 *
 * Append-only: compaction (market-log-file.ts) copies the documents still referenced into
 * the next generation's file before the log names it, then removes the old one.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** Where a document is: byte offset and length in the document file; z when deflated. */
export interface DocRef {
  at: number;
  len: number;
  z?: 1;
}

export interface PackedDocument {
  data: Buffer;
  z: boolean;
}

/**
 * Fast, and a small window: documents are a few KB, and each deflate stream's native memory
 * (window + hash, ~256 KB with zlib's defaults) counts in the process's RSS until collected.
 */
const DEFLATE = { level: 1, windowBits: 13, memLevel: 5 } as const;

/**
 * Encodes documents, each deflated (when that saves a tenth or more) on its own so it can be
 * read back alone. Synchronously, on purpose: a 4 KB document deflates in ~20 µs here, while
 * zlib's asynchronous path cost ~100 µs of main-thread time per document in stream and
 * thread-pool handoffs (issue 11 ingest, fourth round: 10,000 posts 1.06 s → 0.2 s); a step of
 * ~300 posts blocks the loop for a few ms.
 */
export function packDocuments(texts: readonly string[]): PackedDocument[] {
  return texts.map((text) => {
    const raw = Buffer.from(text, 'utf8');
    const packed = raw.length < 256 ? raw : deflateRawSync(raw, DEFLATE);
    return packed.length * 10 < raw.length * 9 ? { data: packed, z: true } : { data: raw, z: false };
  });
}

export interface DocFile {
  readonly path: string;
  /** Appends the documents in one write; returns their references. */
  append(docs: readonly PackedDocument[]): DocRef[];
  read(ref: DocRef): string | null;
  /** The stored bytes of a reference as they are (compaction copies them). */
  raw(ref: DocRef): Buffer | null;
  size(): number;
  /** Flushes the file to storage (before the log names it). */
  sync(): void;
  remove(): void;
}

export function openDocFile(path: string): DocFile {
  let bytes = existsSync(path) ? statSync(path).size : 0;
  const raw = (ref: DocRef): Buffer | null => {
    if (ref.at + ref.len > bytes || !existsSync(path)) return null;
    const out = Buffer.alloc(ref.len);
    const fd = openSync(path, 'r');
    try {
      // A file cut short since (or replaced) reads fewer bytes: no document, not zeros.
      return readSync(fd, out, 0, ref.len, ref.at) === ref.len ? out : null;
    } finally {
      closeSync(fd);
    }
  };
  return {
    path,
    append(docs) {
      if (docs.length === 0) return [];
      const refs: DocRef[] = [];
      let at = bytes;
      for (const d of docs) {
        refs.push(d.z ? { at, len: d.data.length, z: 1 } : { at, len: d.data.length });
        at += d.data.length;
      }
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, Buffer.concat(docs.map((d) => d.data)), { mode: 0o600 });
      bytes = at;
      return refs;
    },
    read(ref) {
      const data = raw(ref);
      if (!data) return null;
      try {
        return (ref.z ? inflateRawSync(data) : data).toString('utf8');
      } catch {
        return null;
      }
    },
    raw,
    size: () => bytes,
    sync() {
      if (!existsSync(path)) {
        mkdirSync(dirname(path), { recursive: true });
        closeSync(openSync(path, 'a', 0o600));
      }
      const fd = openSync(path, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
    remove() {
      if (existsSync(path)) unlinkSync(path);
      bytes = 0;
    },
  };
}

/** Copies the referenced documents into a fresh file (synced); returns the new reference of each. */
export function copyDocuments(from: DocFile, toPath: string, refs: readonly DocRef[]): Array<DocRef | null> {
  mkdirSync(dirname(toPath), { recursive: true });
  const fd = openSync(toPath, 'w', 0o600);
  const out: Array<DocRef | null> = [];
  let at = 0;
  try {
    for (const ref of refs) {
      const data = from.raw(ref);
      if (!data) {
        out.push(null);
        continue;
      }
      writeSync(fd, data);
      out.push(ref.z ? { at, len: data.length, z: 1 } : { at, len: data.length });
      at += data.length;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return out;
}
