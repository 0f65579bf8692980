/**
 * The v2 event log on disk: one append-only JSON-lines file per market key. Each step
 * appends one line with its events and the cursor it reached (one write, fsynced by the OS
 * in its own time: a lost tail is only read again from the chain); a reorg appends a rewind
 * marker. A torn last line (a crash mid-append) is ignored at load; a file that cannot be
 * read is moved aside and the chain is read again from the deployment block.
 *
 * The token's Transfer events to our wallet ride along in the same step lines (`r`), and an
 * `a` line names the wallet they were read for (another wallet reads its past ones once).
 *
 * Compaction (v2-compaction.ts) rewrites the file atomically (a temporary file renamed over
 * it): a `k` line (the remembered blocks, the wallet, the records of the jobs it forgot)
 * and one step line with every event kept and the cursor.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../ports';
import type { ReceivedEvent } from '../market/token-transfers';
import { recordsFromJson, recordsToJson, type V2RecordsJson } from './v2-compaction';
import type { V2Event } from './v2-events';
import type { V2Records } from './v2-records';

type Cursor = { block: number; hash: string };
type Line =
  | { t: 's'; c: Cursor; e: V2Event[]; r?: ReceivedEvent[] }
  | { t: 'w'; b: number; c: Cursor | null }
  | { t: 'a'; a: string }
  | { t: 'k'; recent: Array<[number, string]>; a: string | null; records: V2RecordsJson | null };

export interface V2LogContents {
  cursor: Cursor | null;
  recent: Array<[number, string]>;
  events: V2Event[];
  /** Token transfers to the wallet named by `account`. */
  received: ReceivedEvent[];
  /** The wallet whose incoming transfers were read (null: none yet); a compacted file's wallet. */
  account: string | null;
  /** Records of the jobs compaction forgot (null: the file was never compacted). */
  forgotten: V2Records | null;
}

/** What a compacted file holds. */
export interface V2LogSnapshot {
  cursor: Cursor;
  recent: Array<[number, string]>;
  account: string | null;
  events: readonly V2Event[];
  received: readonly ReceivedEvent[];
  /** Null while no job was forgotten (another wallet then needs no rescan). */
  forgotten: V2Records | null;
}

export interface V2LogFile {
  load(): V2LogContents | null;
  append(events: readonly V2Event[], cursor: Cursor, received?: readonly ReceivedEvent[]): void;
  /** The wallet whose transfers the following lines hold (its past ones already appended). */
  account(account: string): void;
  /** A rewind to `block` (−1: everything). */
  rewind(block: number, cursor: Cursor | null): void;
  /** Replaces the file with a compacted one (atomically); returns its size in bytes. */
  rewrite(snapshot: V2LogSnapshot): number;
  /** Bytes in the file now. */
  size(): number;
}

/** bigint amounts as {"$n":"…"} (JSON has no bigint). */
const replacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? { $n: value.toString() } : value);
const reviver = (_key: string, value: unknown) =>
  value !== null && typeof value === 'object' && typeof (value as { $n?: unknown }).$n === 'string' && Object.keys(value).length === 1 ? BigInt((value as { $n: string }).$n) : value;

export function openV2LogFile(path: string, logger: Logger): V2LogFile {
  let bytes = existsSync(path) ? statSync(path).size : 0;
  const text = (line: Line) => `${JSON.stringify(line, replacer)}\n`;
  const write = (line: Line) => {
    mkdirSync(dirname(path), { recursive: true });
    const out = text(line);
    appendFileSync(path, out, { mode: 0o600 });
    bytes += Buffer.byteLength(out);
  };
  return {
    load() {
      if (!existsSync(path)) return null;
      try {
        const lines = readFileSync(path, 'utf8').split('\n');
        let events: V2Event[] = [];
        let received: ReceivedEvent[] = [];
        let account: string | null = null;
        let forgotten: V2Records | null = null;
        let cursor: Cursor | null = null;
        let recent: Array<[number, string]> = [];
        lines.forEach((text, i) => {
          if (text.trim() === '') return;
          let line: Line;
          try {
            line = JSON.parse(text, reviver) as Line;
          } catch (error) {
            // Only the last line may be torn (a crash mid-append); anything else is damage.
            if (i >= lines.length - 2) return;
            throw error;
          }
          if (line.t === 'a') {
            account = line.a;
          } else if (line.t === 'k') {
            recent = line.recent;
            account = line.a;
            forgotten = line.records ? recordsFromJson(line.records) : null;
          } else if (line.t === 's') {
            events.push(...line.e);
            received.push(...(line.r ?? []));
            cursor = line.c;
            const last = recent[recent.length - 1];
            if (!last || last[0] !== line.c.block) recent.push([line.c.block, line.c.hash]);
          } else {
            // A rescan from the start forgets what compaction had summed up too.
            if (line.b < 0) forgotten = null;
            events = events.filter((e) => e.blockNumber <= line.b);
            received = received.filter((e) => e.blockNumber <= line.b);
            recent = recent.filter(([b]) => b <= line.b);
            cursor = line.c;
          }
        });
        return { cursor, recent: recent.slice(-256), events, received, account, forgotten };
      } catch (error) {
        const aside = `${path}.unreadable-${Date.now()}`;
        logger.warn('market v2 index file unreadable; moved aside and reading the chain again', { path, aside, error: String(error) });
        renameSync(path, aside);
        bytes = 0;
        return null;
      }
    },
    append(events, cursor, received = []) {
      write(received.length > 0 ? { t: 's', c: cursor, e: [...events], r: [...received] } : { t: 's', c: cursor, e: [...events] });
    },
    account(account) {
      write({ t: 'a', a: account });
    },
    rewrite(snapshot) {
      mkdirSync(dirname(path), { recursive: true });
      const head = text({ t: 'k', recent: snapshot.recent, a: snapshot.account, records: snapshot.forgotten ? recordsToJson(snapshot.forgotten) : null });
      const body = text({ t: 's', c: snapshot.cursor, e: [...snapshot.events], r: [...snapshot.received] });
      // Written whole and synced under another name, then renamed over: a crash leaves the old file or the new one.
      const temp = `${path}.compacting`;
      const fd = openSync(temp, 'w', 0o600);
      try {
        writeSync(fd, head);
        writeSync(fd, body);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, path);
      bytes = Buffer.byteLength(head) + Buffer.byteLength(body);
      return bytes;
    },
    size: () => bytes,
    rewind(block, cursor) {
      write({ t: 'w', b: block, c: cursor });
    },
  };
}
