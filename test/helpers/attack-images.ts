/**
 * The hostile image of the adversarial suite (test/security/), built here without a
 * registry: busybox-static plus test/security/probes/attack-probe.c compiled with
 * `gcc -static`, written as a `docker save` archive and loaded with `docker load`.
 *
 * What makes it hostile on purpose:
 *  - its config asks for root (`User: 0:0`) and sets NVIDIA_VISIBLE_DEVICES=all, which the
 *    runner must override;
 *  - /usr/local/bin/suid-probe is a setuid-root copy of the probe (mode 4755, uid 0 in the
 *    layer tar), which tries setuid(0) when run (no-new-privileges must keep euid);
 *  - /etc/shadow is a root-only file the setuid probe tries to read;
 *  - /srv/writable is world-writable, so only a read-only root filesystem stops a write.
 *
 * Reproducible: every tar entry has a fixed mtime and owner, entries are sorted, and the
 * tag is a hash of every input (probe source, this recipe, the compiler, busybox), so the
 * tarball is cached under node_modules/.cache and rebuilt only when an input changes. The
 * image ID is the sha256 of the config, known before loading.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { pack } from 'tar-stream';
import type { ContainerRuntime } from '../../electron/agent/ports';
import { repoRoot } from './cli';
import type { Requirement } from './requirements';

export const ATTACK_REPO = 'rigshift-test/attack';
const probeSource = join(repoRoot, 'test', 'security', 'probes', 'attack-probe.c');
const recipeSource = join(repoRoot, 'test', 'helpers', 'attack-images.ts');
const cacheDir = join(repoRoot, 'node_modules', '.cache', 'rigshift-security');
const BUSYBOX = '/bin/busybox';
const EPOCH = new Date('2024-01-01T00:00:00Z');
const CREATED = '2024-01-01T00:00:00Z';
/** The busybox applets the attacks use (a shell and a few tools). */
const APPLETS = [
  'sh', 'cat', 'ls', 'id', 'echo', 'sleep', 'dd', 'grep', 'head', 'nc', 'ps', 'dmesg', 'ip', 'test', 'touch',
  'mkdir', 'rm', 'ln', 'setsid', 'yes', 'true', 'false', 'unshare', 'mount', 'wc', 'env', 'stat', 'kill', 'seq',
];

export interface AttackImage {
  /** What a job spec names: `rigshift-test/attack@sha256:<image id>`. */
  reference: string;
  /** `sha256:<hex>`: the config digest, i.e. the local image ID after `docker load`. */
  imageId: string;
  /** `rigshift-test/attack:<inputs hash>`, the tag the archive carries. */
  tag: string;
  tarballPath: string;
}

type Entry =
  | { name: string; type: 'dir'; mode: number }
  | { name: string; type: 'symlink'; target: string }
  | { name: string; type: 'file'; mode: number; data: Buffer };

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function tool(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** gcc with static glibc and busybox-static: what the build needs on this host. */
export function attackImageTools(): Requirement {
  try {
    tool('gcc', ['--version']);
  } catch {
    return { ok: false, reason: 'gcc is missing (apt-get install build-essential)' };
  }
  if (!existsSync(BUSYBOX)) return { ok: false, reason: `${BUSYBOX} is missing (apt-get install busybox-static)` };
  return { ok: true, reason: '' };
}

function inputsHash(): string {
  const h = createHash('sha256');
  const parts: Array<[string, Buffer | string]> = [
    ['probe', readFileSync(probeSource)],
    ['recipe', readFileSync(recipeSource)],
    ['gcc', tool('gcc', ['--version']).split('\n')[0] ?? ''],
    ['busybox', readFileSync(BUSYBOX)],
  ];
  for (const [key, value] of parts) h.update(`${key}\0`).update(value).update('\0');
  return h.digest('hex').slice(0, 16);
}

async function tarOf(entries: Entry[], ordered: boolean): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (chunk) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    tar.on('end', () => resolve());
    tar.on('error', reject);
  });
  const list = ordered ? entries : [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of list) {
    // Root-owned on purpose: the setuid bit only means something on a root-owned file.
    const header = { name: e.name, uid: 0, gid: 0, uname: '', gname: '', mtime: EPOCH };
    if (e.type === 'dir') tar.entry({ ...header, type: 'directory', mode: e.mode });
    else if (e.type === 'symlink') tar.entry({ ...header, type: 'symlink', mode: 0o777, linkname: e.target });
    else tar.entry({ ...header, type: 'file', mode: e.mode, size: e.data.length }, e.data);
  }
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}

function compileProbe(workDir: string): Buffer {
  const out = join(workDir, 'attack-probe');
  // -ffile-prefix-map and no build id keep the binary identical for identical inputs.
  tool('gcc', ['-O2', '-static', '-Wall', `-ffile-prefix-map=${repoRoot}=.`, '-Wl,--build-id=none', '-o', out, probeSource]);
  return readFileSync(out);
}

function rootfsEntries(probe: Buffer): Entry[] {
  const dirs = ['bin', 'etc', 'usr', 'usr/local', 'usr/local/bin'];
  return [
    ...dirs.map((name): Entry => ({ name, type: 'dir', mode: 0o755 })),
    { name: 'tmp', type: 'dir', mode: 0o1777 },
    // World-writable: a write here can only fail because the root filesystem is read-only.
    { name: 'srv', type: 'dir', mode: 0o755 },
    { name: 'srv/writable', type: 'dir', mode: 0o1777 },
    { name: 'bin/busybox', type: 'file', mode: 0o755, data: readFileSync(BUSYBOX) },
    ...APPLETS.map((a): Entry => ({ name: `bin/${a}`, type: 'symlink', target: 'busybox' })),
    { name: 'usr/local/bin/probe', type: 'file', mode: 0o755, data: probe },
    { name: 'usr/local/bin/suid-probe', type: 'file', mode: 0o4755, data: probe },
    { name: 'etc/passwd', type: 'file', mode: 0o644, data: Buffer.from('root:x:0:0:root:/root:/bin/sh\n') },
    { name: 'etc/group', type: 'file', mode: 0o644, data: Buffer.from('root:x:0:\n') },
    { name: 'etc/shadow', type: 'file', mode: 0o600, data: Buffer.from('root:rigshift-probe-secret:19000:0:99999:7:::\n') },
  ];
}

function imageConfig(diffId: string, tag: string): Buffer {
  const config = {
    architecture: 'amd64',
    os: 'linux',
    created: CREATED,
    author: 'test/helpers/attack-images.ts',
    config: {
      User: '0:0',
      Env: ['PATH=/usr/local/bin:/bin', 'NVIDIA_VISIBLE_DEVICES=all', 'NVIDIA_DRIVER_CAPABILITIES=all'],
      Entrypoint: ['/bin/sh', '-c'],
      Cmd: ['echo hello from the attack image'],
      WorkingDir: '/',
      Labels: { 'io.rigshift.test-image': 'attack', 'io.rigshift.test-inputs': tag },
    },
    rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
    history: [{ created: CREATED, created_by: 'test/helpers/attack-images.ts' }],
  };
  return Buffer.from(JSON.stringify(config));
}

/** Writes the docker-archive tarball (manifest.json first) and returns its image ID. */
async function writeArchive(target: string, tag: string): Promise<string> {
  const workDir = mkdtempSync(join(tmpdir(), 'rigshift-attack-build-'));
  try {
    const layer = await tarOf(rootfsEntries(compileProbe(workDir)), false);
    const layerId = sha256(layer);
    const config = imageConfig(layerId, tag);
    const configId = sha256(config);
    const manifest = [{ Config: `${configId}.json`, RepoTags: [`${ATTACK_REPO}:${tag}`], Layers: [`${layerId}/layer.tar`] }];
    const archive = await tarOf(
      [
        { name: 'manifest.json', type: 'file', mode: 0o644, data: Buffer.from(JSON.stringify(manifest)) },
        { name: `${configId}.json`, type: 'file', mode: 0o644, data: config },
        { name: layerId, type: 'dir', mode: 0o755 },
        { name: `${layerId}/VERSION`, type: 'file', mode: 0o644, data: Buffer.from('1.0') },
        { name: `${layerId}/layer.tar`, type: 'file', mode: 0o644, data: layer },
      ],
      true,
    );
    mkdirSync(cacheDir, { recursive: true });
    const temp = `${target}.tmp-${process.pid}`;
    writeFileSync(temp, archive);
    renameSync(temp, target); // atomic: a parallel build never sees half an archive
    return `sha256:${configId}`;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function archiveImageId(tarballPath: string): string | null {
  const idFile = `${tarballPath}.id`;
  return existsSync(tarballPath) && existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : null;
}

/** Builds the archive when an input changed (else reuses it) and loads it into the engine. */
export async function ensureAttackImage(docker: ContainerRuntime): Promise<AttackImage> {
  const hash = inputsHash();
  const tag = `${ATTACK_REPO}:${hash}`;
  const tarballPath = join(cacheDir, `attack-${hash}.tar`);
  let imageId = archiveImageId(tarballPath);
  if (!imageId) {
    imageId = await writeArchive(tarballPath, hash);
    writeFileSync(`${tarballPath}.id`, imageId);
    // Archives of older inputs are never used again.
    for (const name of readdirSync(cacheDir)) {
      if (name.startsWith('attack-') && !name.startsWith(`attack-${hash}.tar`)) rmSync(join(cacheDir, name), { force: true });
    }
  }
  if (!(await docker.hasImage(imageId))) await docker.loadImage(tarballPath);
  if (!(await docker.hasImage(imageId))) throw new Error(`loading ${tarballPath} did not produce image ${imageId}`);
  return { reference: `${ATTACK_REPO}@${imageId}`, imageId, tag, tarballPath };
}

/** Removes the loaded image (the cached archive stays for the next run). */
export async function removeAttackImage(image: AttackImage): Promise<void> {
  try {
    await new Docker().getImage(image.imageId).remove({ force: true });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
}
