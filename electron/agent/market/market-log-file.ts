/**
 * The market event log on disk: one append-only JSON-lines file per chain identity
 * (<dataDir>/market/index/<chainKey>.jsonl). Each indexing step appends its new events
 * and its cursor (one write); a reorg appends a rewind marker; compaction rewrites the file
 * (temp + rename) with only what is still needed. Nothing is rewritten whole on a timer
 * (issue 11: the old snapshot, every spec never pruned, was rewritten every ~3 s).
 *
 * A torn last line (a crash mid-append) is ignored at load; a file that cannot be read at
 * all is moved aside and the chain is rescanned.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Clock, Logger } from '../ports';
import { copyDocuments, type DocFile, type DocRef, openDocFile, type PackedDocument } from './market-doc-file';
import { type DecodedLog, eventFromJson, eventToJson } from './market-events';

export interface LoggedInvalid {
  id: string;
  key: string;
  blockNumber: number;
  txHash: string;
  reason: string;
}

export interface MarketLogContents {
  cursor: { block: number; hash: string } | null;
  recent: Array<[number, string]>;
  account: string | null;
  invalid: LoggedInvalid[];
  events: DecodedLog[];
  /** Written by compaction (jobs not needed were left out). */
  compacted?: boolean;
  /** The generation of the document file the events' references point into. */
  generation?: number;
}

export interface MarketLogFile {
  /** Replays the file; null when there is none (or it could not be read: moved aside). */
  load(): MarketLogContents | null;
  /** Appends one step; returns the bytes written. */
  append(events: readonly DecodedLog[], cursor: { block: number; hash: string }, invalid: readonly LoggedInvalid[]): number;
  appendRewind(block: number, cursor: { block: number; hash: string }): number;
  /** Replaces the file with exactly this content; returns the bytes written. */
  rewrite(contents: MarketLogContents): number;
  /** Stores posted documents (before the events naming them are appended). */
  storeDocuments(docs: readonly PackedDocument[]): DocRef[];
  /** A stored document's text; null when it cannot be read. */
  readDocument(ref: DocRef): string | null;
  /** Current size in bytes (the log and its document file). */
  size(): number;
  /** Size right after the last rewrite (what was live then). */
  liveEstimate(): number;
  /** Counts everything in the file as live (compaction found little to drop). */
  markLive(): void;
}

type Line =
  | { t: 'e'; e: Record<string, unknown> }
  | { t: 'c'; b: number; h: string }
  | { t: 'w'; b: number }
  | { t: 'i'; x: LoggedInvalid }
  | { t: 'a'; a: string | null; k?: boolean; d?: number };

export function createMarketLogFile(path: string, logger: Logger, clock: Clock): MarketLogFile {
  const file = `${path}.jsonl`;
  const legacy = `${path}.json`;
  const docsPath = (generation: number) => `${path}.${generation}.docs`;
  let generation = 0;
  let docs: DocFile = openDocFile(docsPath(generation));
  let bytes = existsSync(file) ? statSync(file).size : 0;
  let live = bytes + docs.size();

  /** Document files of this log but another generation (a compaction cut short): removed. */
  const removeStrayDocs = () => {
    const pattern = new RegExp(`^${basename(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.docs$`);
    let names: string[];
    try {
      names = readdirSync(dirname(path));
    } catch {
      return;
    }
    for (const name of names) {
      const match = pattern.exec(name);
      if (match && Number(match[1]) !== generation) unlinkSync(join(dirname(path), name));
    }
  };

  const write = (lines: Line[]): number => {
    if (lines.length === 0) return 0;
    const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, text, { mode: 0o600 });
    const n = Buffer.byteLength(text);
    bytes += n;
    return n;
  };

  const replay = (text: string): MarketLogContents => {
    const contents: MarketLogContents = { cursor: null, recent: [], account: null, invalid: [], events: [] };
    const rows = text.split('\n');
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (!row) continue;
      let line: Line;
      try {
        line = JSON.parse(row) as Line;
      } catch (error) {
        if (i >= rows.length - 2) break; // torn last line
        throw error;
      }
      switch (line.t) {
        case 'e':
          contents.events.push(eventFromJson(line.e));
          break;
        case 'c':
          contents.cursor = { block: line.b, hash: line.h };
          contents.recent.push([line.b, line.h]);
          if (contents.recent.length > 512) contents.recent.splice(0, 256);
          break;
        case 'w':
          contents.events = contents.events.filter((e) => e.blockNumber <= line.b);
          contents.invalid = contents.invalid.filter((x) => x.blockNumber <= line.b);
          contents.recent = contents.recent.filter(([b]) => b <= line.b);
          break;
        case 'i':
          contents.invalid.push(line.x);
          break;
        case 'a':
          contents.account = line.a;
          contents.compacted = line.k === true;
          contents.generation = line.d ?? 0;
          break;
      }
    }
    return contents;
  };

  const setAside = (which: string, reason: string) => {
    const keptAs = `${which}.corrupt-${clock.now().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(which, keptAs);
    logger.warn('market index file was unreadable; rescanning', { keptAs, reason });
  };

  const self: MarketLogFile = {
    load() {
      if (!existsSync(file) && existsSync(legacy)) {
        // The old whole-file snapshot: read once, rewritten as a log, removed.
        try {
          const s = JSON.parse(readFileSync(legacy, 'utf8')) as { cursor: MarketLogContents['cursor']; recent: Array<[number, string]>; events: Array<Record<string, unknown>> };
          const contents: MarketLogContents = { cursor: s.cursor, recent: s.recent ?? [], account: null, invalid: [], events: (s.events ?? []).map(eventFromJson) };
          self.rewrite(contents);
          unlinkSync(legacy);
          return contents;
        } catch (error) {
          setAside(legacy, String(error));
          return null;
        }
      }
      if (!existsSync(file)) {
        removeStrayDocs();
        return null;
      }
      try {
        const contents = replay(readFileSync(file, 'utf8'));
        generation = contents.generation ?? 0;
        docs = openDocFile(docsPath(generation));
        live = bytes + docs.size();
        removeStrayDocs();
        return contents;
      } catch (error) {
        setAside(file, String(error));
        docs.remove();
        bytes = 0;
        live = 0;
        return null;
      }
    },
    append(events, cursor, invalid) {
      return write([...events.map((e): Line => ({ t: 'e', e: eventToJson(e) })), ...invalid.map((x): Line => ({ t: 'i', x })), { t: 'c', b: cursor.block, h: cursor.hash }]);
    },
    appendRewind(block, cursor) {
      return write([{ t: 'w', b: block }, { t: 'c', b: cursor.block, h: cursor.hash }]);
    },
    rewrite(contents) {
      // The documents still referenced go into the next generation's file first (synced);
      // the log then names it, and only then is the old file removed.
      const next = generation + 1;
      const posted = contents.events.filter((e): e is Extract<DecodedLog, { kind: 'posted' }> => e.kind === 'posted' && e.doc !== undefined);
      const moved = copyDocuments(docs, docsPath(next), posted.map((e) => e.doc!));
      posted.forEach((e, i) => {
        const ref = moved[i];
        if (ref) e.doc = ref;
        else delete e.doc;
      });
      const lines: Line[] = [{ t: 'a', a: contents.account, k: contents.compacted === true, d: next }];
      for (const e of contents.events) lines.push({ t: 'e', e: eventToJson(e) });
      for (const x of contents.invalid) lines.push({ t: 'i', x });
      // The remembered hashes first, the cursor last (replay takes the last 'c' as the cursor).
      for (const [b, h] of contents.recent) if (!contents.cursor || b !== contents.cursor.block) lines.push({ t: 'c', b, h });
      if (contents.cursor) lines.push({ t: 'c', b: contents.cursor.block, h: contents.cursor.hash });
      const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
      mkdirSync(dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      const fd = openSync(temp, 'w', 0o600);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, file);
      docs.remove();
      generation = next;
      docs = openDocFile(docsPath(next));
      bytes = Buffer.byteLength(text);
      live = bytes + docs.size();
      return live;
    },
    storeDocuments: (packed) => docs.append(packed),
    readDocument: (ref) => docs.read(ref),
    size: () => bytes + docs.size(),
    liveEstimate: () => live,
    markLive() {
      live = bytes + docs.size();
    },
  };
  return self;
}
