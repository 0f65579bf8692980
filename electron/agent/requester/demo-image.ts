/**
 * The images the demo requester's jobs run: built locally without a registry (npm run
 * build:images) and pinned by their local image id, `rigshift/demo-job@sha256:<id>` (the
 * runner accepts a local image whose id is the digest and that carries a tag of the same
 * repository: electron/agent/jobs/job-image.ts). Loaded into Docker when missing, since on
 * the devnet the provider is this same machine.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AgentError } from '../../../shared/api/result';
import { readArchiveReference } from '../benchmark/image-archive';
import type { ContainerRuntime } from '../ports';

export const DEMO_IMAGE_FILE = 'rigshift-demo-job.tar';

/** `repository@sha256:<id>` of a docker-archive tarball, loading it into the engine if needed. */
export async function ensureLocalImage(
  docker: Pick<ContainerRuntime, 'inspectImage' | 'loadImage'>,
  tarballPath: string,
): Promise<string> {
  if (!existsSync(tarballPath)) {
    throw new AgentError('demo_image_missing', `The demo job image is missing (${tarballPath}).`, 'Run: npm run build:images -- --demo-only');
  }
  const tag = readArchiveReference(tarballPath);
  if (!tag) throw new AgentError('demo_image_invalid', `${tarballPath} is not a docker-archive image with a tag.`, 'Run: npm run build:images -- --demo-only --force');
  let image = await docker.inspectImage(tag);
  if (!image) {
    await docker.loadImage(tarballPath);
    image = await docker.inspectImage(tag);
  }
  if (!image) throw new AgentError('demo_image_invalid', `Docker did not register ${tag} after loading ${tarballPath}.`);
  const repository = tag.slice(0, tag.lastIndexOf(':'));
  return `${repository}@${image.id}`;
}

export const demoImagePath = (imagesDir: string) => join(imagesDir, DEMO_IMAGE_FILE);
