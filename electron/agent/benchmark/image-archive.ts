/**
 * The benchmark images ship as `docker save` tarballs in resources/images/ (built by
 * `npm run build:images`). Their tag is a content hash, so the agent reads it from the
 * tarball's manifest.json instead of keeping a second copy of it in code.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { AgentError } from '../../../shared/api/result';

export const BENCHMARK_IMAGE_FILES = { cpu: 'rigshift-bench-cpu.tar', gpu: 'rigshift-bench-gpu.tar' } as const;

const BLOCK = 512;
/** manifest.json sits within the first few entries; never walk a whole multi-MB layer list. */
const MAX_ENTRIES = 64;

function field(header: Buffer, start: number, length: number): string {
  const raw = header.toString('utf8', start, start + length);
  const nul = raw.indexOf('\0');
  return (nul === -1 ? raw : raw.slice(0, nul)).trim();
}

/** RepoTags[0] from a docker-archive tarball, or null when it has no manifest.json or no tag. */
export function readArchiveReference(tarballPath: string): string | null {
  const fd = openSync(tarballPath, 'r');
  try {
    const header = Buffer.alloc(BLOCK);
    let offset = 0;
    for (let i = 0; i < MAX_ENTRIES; i++) {
      if (readSync(fd, header, 0, BLOCK, offset) < BLOCK || header[0] === 0) return null;
      const name = field(header, 0, 100).replace(/^\.\//, '');
      const size = parseInt(field(header, 124, 12) || '0', 8);
      if (!Number.isFinite(size) || size < 0) return null;
      if (name === 'manifest.json') {
        const body = Buffer.alloc(size);
        readSync(fd, body, 0, size, offset + BLOCK);
        const manifest = JSON.parse(body.toString('utf8')) as Array<{ RepoTags?: string[] }>;
        return manifest[0]?.RepoTags?.[0] ?? null;
      }
      offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    }
    return null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

export interface BenchmarkImage {
  reference: string;
  tarballPath: string;
}

/** The image for a workload kind, or AgentError('benchmark_image_missing') with the fix. */
export function locateBenchmarkImage(imagesDir: string, kind: 'cpu' | 'gpu'): BenchmarkImage {
  const tarballPath = join(imagesDir, BENCHMARK_IMAGE_FILES[kind]);
  if (!existsSync(tarballPath)) {
    throw new AgentError(
      'benchmark_image_missing',
      `The ${kind.toUpperCase()} benchmark image is missing (${tarballPath}).`,
      'run npm run build:images',
    );
  }
  const reference = readArchiveReference(tarballPath);
  if (!reference) {
    throw new AgentError(
      'benchmark_image_invalid',
      `${tarballPath} is not a docker-archive image with a tag.`,
      'run npm run build:images -- --force',
    );
  }
  return { reference, tarballPath };
}
