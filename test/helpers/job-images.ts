/**
 * Small job images built locally, without a registry: a busybox-static rootfs imported
 * with `docker import` and tagged `rigshift-test/job:<content hash>-<random>`.
 * Such an image has no RepoDigests (it never went through a registry), so a job spec names
 * it by its image id, `rigshift-test/job@sha256:<id>`; the runner accepts a local image
 * whose id is the digest and that carries a tag of the same name (electron/agent/jobs/job-image.ts).
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp-dir';

export const JOB_TEST_REPOSITORY = 'rigshift-test/job';
const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
const APPLETS = ['sh', 'sleep', 'head', 'tail', 'dd', 'cat', 'echo', 'ln', 'mkfifo', 'mkdir', 'yes', 'seq', 'trap', 'true', 'ls', 'id'];

export interface JobTestImage {
  /** `rigshift-test/job@sha256:<id>`: what a spec's `image` says. */
  reference: string;
  /** `sha256:<id>` */
  id: string;
  tag: string;
  remove(): void;
}

export function busyboxAvailable(): { ok: boolean; reason: string } {
  return BUSYBOX ? { ok: true, reason: '' } : { ok: false, reason: 'busybox-static is missing (apt-get install busybox-static)' };
}

export function buildJobTestImage(): JobTestImage {
  if (!BUSYBOX) throw new Error('busybox-static is missing (apt-get install busybox-static)');
  const dir = tempDir('rigshift-job-image-');
  try {
    const root = join(dir.path, 'rootfs');
    mkdirSync(join(root, 'bin'), { recursive: true });
    mkdirSync(join(root, 'tmp'));
    execFileSync('cp', [BUSYBOX, join(root, 'bin', 'busybox')]);
    for (const applet of APPLETS) symlinkSync('busybox', join(root, 'bin', applet));
    const tarball = join(dir.path, 'rootfs.tar');
    execFileSync('tar', ['--sort=name', '--mtime=2024-01-01', '--owner=0', '--group=0', '-C', root, '-cf', tarball, '.']);
    const hash = createHash('sha256').update(readFileSync(tarball)).digest('hex').slice(0, 12);
    const tag = `${JOB_TEST_REPOSITORY}:${hash}-${randomBytes(4).toString('hex')}`;
    const id = execFileSync('docker', ['import', '--change', 'ENV PATH=/bin', tarball, tag], { encoding: 'utf8' }).trim();
    if (!/^sha256:[a-f0-9]{64}$/.test(id)) throw new Error(`docker import printed "${id}", not an image id`);
    return {
      reference: `${JOB_TEST_REPOSITORY}@${id}`,
      id,
      tag,
      remove: () => {
        try {
          execFileSync('docker', ['rmi', '--force', tag], { stdio: 'pipe' });
        } catch {
          // Already gone.
        }
      },
    };
  } finally {
    dir.cleanup();
  }
}
