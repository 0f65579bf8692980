/**
 * The watchdog process itself, against a fake engine (an HTTP server on a Unix socket):
 * it is a real detached process running WATCHDOG_SCRIPT with this Node binary.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProcessWatchdog, dockerEndpointOf } from '../../electron/agent/jobs/container-watchdog';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';

interface Seen {
  method: string;
  url: string;
  at: number;
}

describe.skipIf(process.platform === 'win32')('container watchdog (a detached process, fake engine socket)', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: Server;
  let seen: Seen[];
  let status: number;
  let socketPath: string;
  beforeEach(async () => {
    dir = tempDir('rigshift-watchdog-');
    seen = [];
    status = 204;
    socketPath = join(dir.path, 'engine.sock');
    server = createServer((request, response) => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', at: Date.now() });
      response.statusCode = status;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    dir.cleanup();
  });

  const waitFor = async (check: () => boolean, ms: number) => {
    const until = Date.now() + ms;
    while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  };

  it('force-removes the container once its time is up, not before', async () => {
    const watchdog = createProcessWatchdog({ endpoint: async () => ({ socketPath }), logger: recordingLogger().logger });
    const armedAt = Date.now();
    await watchdog.guard('abc123', 600);
    await waitFor(() => seen.length > 0, 10_000);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'DELETE', url: '/containers/abc123?force=true&v=true' });
    expect(seen[0]!.at - armedAt).toBeGreaterThanOrEqual(600);
  });

  it('does nothing once released (the run ended and removed its own container)', async () => {
    const watchdog = createProcessWatchdog({ endpoint: async () => ({ socketPath }), logger: recordingLogger().logger });
    const release = await watchdog.guard('abc123', 500);
    release();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(seen).toEqual([]);
  });

  it('retries while the engine answers with an error, and stops at 404 (already gone)', async () => {
    status = 500;
    const watchdog = createProcessWatchdog({ endpoint: async () => ({ socketPath }), logger: recordingLogger().logger });
    await watchdog.guard('abc123', 0);
    await waitFor(() => seen.length >= 2, 10_000);
    status = 404;
    const count = seen.length;
    await waitFor(() => seen.length > count, 10_000);
    const settled = seen.length;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(seen.length).toBe(settled);
    expect(settled).toBeGreaterThanOrEqual(3);
  }, 20_000);

  it('reads the engine endpoint from a dockerode modem', async () => {
    expect(await dockerEndpointOf({ socketPath: '/var/run/docker.sock' })).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(await dockerEndpointOf({ socketPath: async () => '/run/user/1000/docker.sock' })).toEqual({ socketPath: '/run/user/1000/docker.sock' });
    expect(await dockerEndpointOf({ host: '10.0.0.5', port: '2376', protocol: 'https' })).toEqual({ host: '10.0.0.5', port: 2376, protocol: 'https' });
    expect(await dockerEndpointOf({ host: 'rig', protocol: 'ssh' })).toBeNull();
  });
});
