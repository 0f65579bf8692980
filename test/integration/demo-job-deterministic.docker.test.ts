/**
 * The demo job image's fixed-rounds mode (demo-job.sh rounds=<n>), which the v2 demo
 * requester uses for replicated and disputed jobs: two runs in separate containers leave
 * byte-identical outputs, so honest replicas agree on the outputs digest. (Without it, the
 * job worked until the time was up and wrote its elapsed time: replicas disagreed.)
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IMAGE_FILE } from '../../electron/agent/requester/demo-image';
import { readArchiveReference } from '../../electron/agent/benchmark/image-archive';
import { repoRoot } from '../helpers/cli';
import { dockerEngine, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const tarball = join(repoRoot, 'resources', 'images', DEMO_IMAGE_FILE);
const ready = need(fileExists(tarball, 'npm run build:images')) && need(dockerEngine());

/** Runs the demo job once in a fresh container; returns each output file's sha256. */
function runOnce(image: string, args: string[]): Record<string, string> {
  const out = tempDir('rigshift-demo-job-out-');
  try {
    execFileSync('chmod', ['0777', out.path]);
    execFileSync('docker', ['run', '--rm', '--network', 'none', '-v', `${out.path}:/workspace/out`, image, ...args], { stdio: 'pipe', timeout: 120_000 });
    return Object.fromEntries(readdirSync(out.path).sort().map((name) => [name, createHash('sha256').update(readFileSync(join(out.path, name))).digest('hex')]));
  } finally {
    out.cleanup();
  }
}

describe.skipIf(!ready)('demo job, fixed rounds (Docker)', () => {
  let image = '';
  beforeAll(() => {
    execFileSync('docker', ['load', '-i', tarball], { stdio: 'pipe' });
    image = readArchiveReference(tarball) ?? '';
  }, 120_000);

  it.each([
    ['hash', ['hash', '30', 'rounds=3'], ['digest.txt', 'summary.json']],
    ['primes', ['primes', '30', 'rounds=2'], ['primes.txt', 'summary.json']],
  ])('%s with rounds=<n> leaves the same outputs on every run', (_name, args, files) => {
    const first = runOnce(image, args);
    const second = runOnce(image, args);
    expect(Object.keys(first)).toEqual(files);
    expect(second).toEqual(first);
  }, 180_000);

  it('refuses compress in fixed mode and a rounds value that is not a number, with exit code 2', () => {
    for (const args of [['compress', '5', 'rounds=2'], ['hash', '5', 'rounds=two'], ['hash', '5', 'fast']]) {
      let status = 0;
      try {
        execFileSync('docker', ['run', '--rm', '--network', 'none', image, ...args], { stdio: 'pipe', timeout: 60_000 });
      } catch (error) {
        status = (error as { status: number }).status;
      }
      expect(status).toBe(2);
    }
  }, 120_000);
});
