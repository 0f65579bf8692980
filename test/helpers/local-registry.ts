/**
 * A real image registry on loopback for the image tests: Debian's `docker-registry`
 * (distribution v2) serving from a temp folder on 127.0.0.1:<free port>. Docker treats
 * 127.0.0.0/8 registries as insecure by default, so plain HTTP works with no daemon
 * configuration, and nothing leaves the machine. Test images are built locally (a
 * busybox rootfs through `docker import`), pushed, and removed from the engine, so a test
 * pulls them for real.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Requirement } from './requirements';
import { tempDir } from './temp-dir';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';
const BUSYBOX = '/bin/busybox';

export function registry(): Requirement {
  if (!existsSync(REGISTRY_BINARY)) {
    return { ok: false, reason: `${REGISTRY_BINARY} is missing (apt-get install -y docker-registry)` };
  }
  if (!existsSync(BUSYBOX)) return { ok: false, reason: `${BUSYBOX} is missing (apt-get install -y busybox-static)` };
  return { ok: true, reason: '' };
}

export interface LocalRegistry {
  /** `127.0.0.1:<port>`: the registry part of image references. */
  host: string;
  /** Builds a small image, pushes it, removes it locally; returns `host/rigshift-test/<name>@sha256:...`. */
  pushImage(name: string, options?: { randomBytes?: number }): string;
  /** Removes every local image that came from this registry. */
  removeLocalImages(): void;
  /** Stops the registry and removes its storage and local images. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const docker = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });

async function waitUntilServing(host: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${output()}`);
    try {
      const response = await fetch(`http://${host}/v2/`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not answer on ${host} within 15 s: ${output()}`);
}

export async function startLocalRegistry(): Promise<LocalRegistry> {
  const work = tempDir('rigshift-registry-');
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const storage = join(work.path, 'storage');
  mkdirSync(storage);
  const config = join(work.path, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storage}`,
      'http:',
      `  addr: ${host}`,
      '',
    ].join('\n'),
  );
  let log = '';
  const child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  try {
    await waitUntilServing(host, child, () => log);
  } catch (error) {
    child.kill('SIGKILL');
    work.cleanup();
    throw error;
  }

  const removeLocalImages = () => {
    const lines = docker(['image', 'ls', '--digests', '--format', '{{.Repository}} {{.ID}}']).split('\n');
    const ids = new Set(lines.filter((l) => l.startsWith(`${host}/`)).map((l) => l.split(' ')[1]!));
    if (ids.size > 0) docker(['image', 'rm', '--force', ...ids]);
  };

  return {
    host,
    pushImage(name, options = {}) {
      const build = tempDir('rigshift-registry-image-');
      try {
        const rootfs = join(build.path, 'rootfs');
        mkdirSync(join(rootfs, 'bin'), { recursive: true });
        execFileSync('cp', [BUSYBOX, join(rootfs, 'bin', 'busybox')]);
        // Distinct content per image, so each one has its own digest.
        writeFileSync(join(rootfs, 'image-name'), `${name} ${randomBytes(8).toString('hex')}\n`);
        if (options.randomBytes) writeFileSync(join(rootfs, 'blob'), randomBytes(options.randomBytes));
        const tar = join(build.path, 'rootfs.tar');
        execFileSync('tar', ['-C', rootfs, '-cf', tar, '.']);
        const tag = `${host}/rigshift-test/${name}:push`;
        docker(['import', '--change', 'CMD ["/bin/busybox","true"]', tar, tag]);
        docker(['push', tag]);
        const digests = JSON.parse(docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', tag])) as string[];
        const pushed = digests.find((d) => d.startsWith(`${host}/rigshift-test/${name}@sha256:`));
        if (!pushed) throw new Error(`no RepoDigest for ${tag} after push: ${digests.join(', ')}`);
        // Gone from the engine: the test must pull it from the registry.
        docker(['image', 'rm', '--force', tag]);
        return pushed;
      } finally {
        build.cleanup();
      }
    },
    removeLocalImages,
    async stop() {
      try {
        removeLocalImages();
      } finally {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
          if (child.exitCode === null) child.kill('SIGKILL');
        }
        work.cleanup();
      }
    },
  };
}
