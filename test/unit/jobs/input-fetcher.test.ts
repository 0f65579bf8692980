import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchInputs, InputCheckError } from '../../../electron/agent/jobs/input-fetcher';
import type { JobInput } from '../../../shared/domain/job';
import { tempDir } from '../../helpers/temp-dir';

const body = Buffer.from('the input the job needs\n'.repeat(1000));
const bodySha = createHash('sha256').update(body).digest('hex');
const allowLoopback = { allowLoopback: true };

/** A server on 127.0.0.1 that serves `body` honestly, with a lying length, or endlessly. */
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/good') {
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    } else if (req.url === '/chunked') {
      res.writeHead(200); // no Content-Length: only the streaming count protects us
      res.write(body);
      res.end(body);
    } else if (req.url === '/endless') {
      res.writeHead(200);
      const pump = () => {
        while (res.write(Buffer.alloc(64 * 1024))) {
          /* fill until backpressure */
        }
      };
      res.on('drain', pump);
      pump();
      req.on('close', () => res.destroy());
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: '/good' });
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('fetchInputs', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());
  const input = (over: Partial<JobInput>): JobInput => ({ name: 'data.txt', url: `${base}/good`, sha256: bodySha, sizeBytes: body.length, ...over });
  const fetchInto = (inputs: JobInput[], signal = new AbortController().signal) =>
    fetchInputs(inputs, dir.path, { signal, addressPolicy: allowLoopback });

  it('downloads and verifies a good input, readable by the job user', async () => {
    const progress: number[] = [];
    await fetchInputs([input({})], dir.path, { signal: new AbortController().signal, addressPolicy: allowLoopback, onProgress: (r) => progress.push(r) });
    expect(readFileSync(`${dir.path}/data.txt`)).toEqual(body);
    expect(statSync(`${dir.path}/data.txt`).mode & 0o777).toBe(0o644);
    expect(progress.at(-1)).toBe(body.length);
  });

  it('follows a redirect on the same checks', async () => {
    await fetchInto([input({ url: `${base}/redirect` })]);
    expect(existsSync(`${dir.path}/data.txt`)).toBe(true);
  });

  it('refuses a wrong sha256 and keeps nothing', async () => {
    const error = await fetchInto([input({ sha256: 'a'.repeat(64) })]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputCheckError);
    expect((error as Error).message).toMatch(/does not match its sha256/);
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('refuses a size mismatch from Content-Length before downloading', async () => {
    await expect(fetchInto([input({ sizeBytes: body.length - 1 })])).rejects.toThrow(/on the server, but the job says/);
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('stops a download without Content-Length at sizeBytes', async () => {
    await expect(fetchInto([input({ url: `${base}/chunked` })])).rejects.toThrow(/larger than .* download stopped/);
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('stops an endless download at sizeBytes', async () => {
    await expect(fetchInto([input({ url: `${base}/endless`, sizeBytes: 1024 * 1024 })])).rejects.toThrow(/larger than/);
  });

  it('refuses a shorter body than sizeBytes', async () => {
    await expect(fetchInto([input({ url: `${base}/chunked`, sizeBytes: body.length * 3 })])).rejects.toThrow(/but the job says/);
  });

  it('reports an HTTP error', async () => {
    await expect(fetchInto([input({ url: `${base}/missing` })])).rejects.toThrow(/HTTP 404/);
  });

  it('refuses loopback hosts by default', async () => {
    await expect(fetchInputs([input({})], dir.path, { signal: new AbortController().signal })).rejects.toThrow(
      /127\.0\.0\.1.*loopback.*may not reach/,
    );
  });

  describe('DNS rebinding: the address checked is the address connected to', () => {
    let hits: number;
    const countHits = (req: { url?: string }) => {
      if (req.url === '/good') hits += 1;
    };
    beforeEach(() => {
      hits = 0;
      server.on('request', countHits);
    });
    afterEach(() => {
      server.off('request', countHits);
    });
    /** A resolver that gives the next scripted answer on every call. */
    const scripted = (...answers: string[][]) => {
      const calls: string[] = [];
      const resolver = async (hostname: string) => {
        calls.push(hostname);
        const next = answers[Math.min(calls.length - 1, answers.length - 1)] ?? [];
        return next.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      };
      return { resolver, calls };
    };
    const port = () => new URL(base).port;

    it('refuses a name that resolves to 127.0.0.1, before any connection', async () => {
      const { resolver, calls } = scripted(['127.0.0.1']);
      const url = `http://rebind.example:${port()}/good`;
      await expect(fetchInputs([input({ url })], dir.path, { signal: new AbortController().signal, resolver })).rejects.toThrow(
        /rebind\.example resolves to 127\.0\.0\.1, a loopback address, which jobs may not reach/,
      );
      expect(calls).toEqual(['rebind.example']);
      expect(hits).toBe(0);
    });

    it('refuses a name whose answers mix a public and a loopback address', async () => {
      const { resolver } = scripted(['8.8.8.8', '127.0.0.1']);
      const url = `http://rebind.example:${port()}/good`;
      await expect(fetchInputs([input({ url })], dir.path, { signal: new AbortController().signal, resolver })).rejects.toThrow(/loopback/);
      expect(hits).toBe(0);
    });

    it('resolves once per connection and connects to that answer, not a second one', async () => {
      // The first answer passes the check and has nothing listening (127.0.0.2); a second
      // resolution would give the server's 127.0.0.1. A check-then-connect fetcher asks
      // twice and reaches the server; a pinned one asks once and never does.
      const { resolver, calls } = scripted(['127.0.0.2'], ['127.0.0.1']);
      const url = `http://rebind.example:${port()}/good`;
      await expect(
        fetchInputs([input({ url })], dir.path, { signal: new AbortController().signal, resolver, addressPolicy: allowLoopback }),
      ).rejects.toThrow(/ECONNREFUSED 127\.0\.0\.2/);
      expect(calls).toEqual(['rebind.example']);
      expect(hits).toBe(0);
    });

    it('downloads through a name when its one resolution is allowed', async () => {
      const { resolver, calls } = scripted(['127.0.0.1']);
      await fetchInputs([input({ url: `http://files.example:${port()}/good` })], dir.path, {
        signal: new AbortController().signal,
        resolver,
        addressPolicy: allowLoopback,
      });
      expect(readFileSync(`${dir.path}/data.txt`)).toEqual(body);
      expect(calls).toEqual(['files.example']);
      expect(hits).toBe(1);
    });

    it('refuses IP literals the policy does not allow (they never reach a resolver)', async () => {
      const { resolver, calls } = scripted([]);
      for (const host of ['[::ffff:0:7f00:1]', '127.0.0.1', '[::1]']) {
        await expect(
          fetchInputs([input({ url: `http://${host}:${port()}/good` })], dir.path, { signal: new AbortController().signal, resolver }),
        ).rejects.toThrow(/loopback address, which jobs may not reach/);
      }
      expect(calls).toEqual([]);
      expect(hits).toBe(0);
    });
  });

  it('is cancelled by the signal', async () => {
    const abort = new AbortController();
    const pending = fetchInto([input({ url: `${base}/endless`, sizeBytes: 1024 ** 3 })], abort.signal);
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toThrow();
    expect(abort.signal.aborted).toBe(true);
  });

  it('refuses two inputs with the same name', async () => {
    await expect(fetchInto([input({}), input({})])).rejects.toThrow(/Two inputs are named/);
  });
});
