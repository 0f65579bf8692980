import { describe, expect, it, vi } from 'vitest';
import type { AgentEvent } from '../../../shared/api/contract';
import type { ApiError, Result } from '../../../shared/api/result';
import type { JobLogLines } from '../../../shared/domain/job';
import {
  appendBounded,
  INITIAL_LOG_TAIL,
  type LogTail,
  overlap,
  type RawLogLine,
} from '../../../renderer/lib/job-log-tail';
import type { ApiClient } from '../../../renderer/lib/api-client';
import { jobLogTailQuery } from '../../../renderer/lib/query/follow-queries';
import { observe } from './query-harness';

const out = (...texts: string[]): RawLogLine[] => texts.map((text) => ({ stream: 'stdout', text }));
const texts = (tail: LogTail | undefined) => tail?.lines.map((l) => l.text) ?? [];

/** getJobLogs answers when the test says; events are pushed by hand. */
function fakeApi() {
  const listeners = new Set<(e: AgentEvent) => void>();
  const answers: ((r: Result<JobLogLines>) => void)[] = [];
  let connection: 'connected' | 'reconnecting' = 'connected';
  let connectionListener: (s: 'connected' | 'reconnecting') => void = () => undefined;
  const api = {
    getJobLogs: vi.fn((_req: { jobId: string; tail?: number }) => new Promise<Result<JobLogLines>>((resolve) => answers.push(resolve))),
    onEvent: (l: (e: AgentEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    connection: () => connection,
    onConnection: (l: (s: 'connected' | 'reconnecting') => void) => {
      connectionListener = l;
      return () => undefined;
    },
  };
  return {
    api,
    listeners,
    push: (jobId: string, lines: RawLogLine[]) => {
      for (const l of [...listeners]) l({ name: 'jobLog', payload: { jobId, lines } });
    },
    connect: (s: 'connected' | 'reconnecting') => {
      connection = s;
      connectionListener(s);
    },
    answer: async (r: Result<JobLogLines>) => {
      answers.shift()?.(r);
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

/** A mounted log view: the tail's query in the shared cache, fed by the fake's events. */
function watch(fake: ReturnType<typeof fakeApi>, jobId = 'j1', max = 500) {
  const api = fake.api as unknown as ApiClient;
  const view = observe(api, (client) => jobLogTailQuery(client, api, jobId, max));
  const seen: LogTail[] = [];
  view.client.getQueryCache().subscribe(() => {
    const tail = view.data();
    if (tail && tail !== seen[seen.length - 1]) seen.push(tail);
  });
  return { seen, stop: view.stop, last: () => seen[seen.length - 1] };
}

describe('overlap', () => {
  it('finds the longest end of the kept tail that the pushed lines start with', () => {
    expect(overlap(out('a', 'b', 'c'), out('b', 'c', 'd'))).toBe(2);
    expect(overlap(out('a', 'b', 'c'), out('d', 'e'))).toBe(0);
    expect(overlap(out('a', 'b'), out('a', 'b'))).toBe(2);
    expect(overlap([], out('a'))).toBe(0);
  });

  it('tells stdout from stderr', () => {
    expect(overlap(out('x'), [{ stream: 'stderr', text: 'x' }])).toBe(0);
  });
});

describe('appendBounded', () => {
  it('keeps the newest lines and counts what it trimmed', () => {
    const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ stream: 'stdout' as const, text: `${from + i}`, seq: from + i }));
    const tail = appendBounded({ ...INITIAL_LOG_TAIL, lines: lines(0, 4) }, lines(4, 3), 5);
    expect(texts(tail)).toEqual(['2', '3', '4', '5', '6']);
    expect(tail.trimmed).toBe(2);
  });

  it('returns the same tail when nothing came', () => {
    expect(appendBounded(INITIAL_LOG_TAIL, [], 5)).toBe(INITIAL_LOG_TAIL);
  });
});

describe('a job log tail in the query cache', () => {
  it('loads the kept tail first, asking for `max` lines', async () => {
    const fake = fakeApi();
    const w = watch(fake, 'j1', 200);
    expect(fake.api.getJobLogs).toHaveBeenCalledWith({ jobId: 'j1', tail: 200 });
    expect(w.seen).toEqual([]); // never calls back synchronously
    await fake.answer({ ok: true, value: { jobId: 'j1', lines: out('a', 'b') } });
    expect(w.last()).toMatchObject({ loading: false, error: null });
    expect(texts(w.last())).toEqual(['a', 'b']);
  });

  it('then appends pushed lines of its job only', async () => {
    const fake = fakeApi();
    const w = watch(fake);
    await fake.answer({ ok: true, value: { jobId: 'j1', lines: out('a') } });
    fake.push('j1', out('b', 'c'));
    fake.push('other', out('nope'));
    fake.push('j1', []);
    expect(texts(w.last())).toEqual(['a', 'b', 'c']);
    expect(w.seen).toHaveLength(2);
  });

  it('keeps lines pushed while loading, without repeating those the answer already has', async () => {
    const fake = fakeApi();
    const w = watch(fake);
    fake.push('j1', out('c', 'd'));
    fake.push('j1', out('e'));
    expect(w.seen).toEqual([]);
    // The agent took its tail after "c" and "d" were written, before "e".
    await fake.answer({ ok: true, value: { jobId: 'j1', lines: out('a', 'b', 'c', 'd') } });
    expect(texts(w.last())).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('stays bounded to `max` lines, whether loaded or pushed', async () => {
    const fake = fakeApi();
    const w = watch(fake, 'j1', 3);
    await fake.answer({ ok: true, value: { jobId: 'j1', lines: out('1', '2', '3', '4') } });
    expect(texts(w.last())).toEqual(['2', '3', '4']);
    fake.push('j1', out('5', '6'));
    expect(texts(w.last())).toEqual(['4', '5', '6']);
    for (let i = 7; i < 1000; i += 1) fake.push('j1', out(String(i)));
    expect(w.last()?.lines).toHaveLength(3);
  });

  it('gives every line a number that stays with it (stable list keys)', async () => {
    const fake = fakeApi();
    const w = watch(fake, 'j1', 2);
    await fake.answer({ ok: true, value: { jobId: 'j1', lines: out('a', 'b') } });
    const bSeq = w.last()?.lines[1]?.seq;
    fake.push('j1', out('c'));
    expect(w.last()?.lines[0]).toMatchObject({ text: 'b', seq: bSeq });
    expect(new Set(w.last()?.lines.map((l) => l.seq)).size).toBe(2);
  });

  it('reports a failed load and still shows pushed lines', async () => {
    const fake = fakeApi();
    const w = watch(fake);
    fake.push('j1', out('live'));
    const error: ApiError = { code: 'not_found', message: 'No such job.' };
    await fake.answer({ ok: false, error });
    expect(w.last()).toMatchObject({ loading: false, error });
    expect(texts(w.last())).toEqual(['live']);
    fake.push('j1', out('more'));
    expect(texts(w.last())).toEqual(['live', 'more']);
  });

  it('loads the tail again after a reconnect: lines written while the stream was down show', async () => {
    const fake = fakeApi();
    const w = watch(fake);
    await fake.answer({ ok: true, value: { jobId: 'j1', lines: out('a') } });
    fake.connect('reconnecting');
    fake.connect('connected');
    expect(fake.api.getJobLogs).toHaveBeenCalledTimes(2);
    await fake.answer({ ok: true, value: { jobId: 'j1', lines: out('a', 'missed') } });
    expect(texts(w.last())).toEqual(['a', 'missed']);
    expect(new Set(w.last()?.lines.map((l) => l.seq)).size).toBe(2);
  });

  it('stops listening once the cache is disconnected', () => {
    const fake = fakeApi();
    const w = watch(fake);
    w.stop();
    expect(fake.listeners.size).toBe(0);
  });

  it('clamps the tail it asks for to what the contract allows', () => {
    const fake = fakeApi();
    watch(fake, 'j1', 100_000);
    watch(fake, 'j1', 0);
    expect(fake.api.getJobLogs.mock.calls.map(([req]) => req.tail)).toEqual([5000, 1]);
  });
});
