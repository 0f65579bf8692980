/**
 * A real, hardened container that keeps running (and, if asked, ignores SIGTERM), built
 * from the locally built CPU benchmark image (it carries busybox). Stands in for a rental
 * job until the job runner exists; the yield path treats it exactly like one.
 */
import { join } from 'node:path';
import { locateBenchmarkImage } from '../../electron/agent/benchmark/image-archive';
import { buildBenchmarkContainerOptions } from '../../electron/agent/benchmark/container-options';
import type { ContainerHandle, ContainerRuntime } from '../../electron/agent/ports';
import { repoRoot } from './cli';

export const cpuImageTarball = join(repoRoot, 'resources', 'images', 'rigshift-bench-cpu.tar');

export async function startSleeper(
  docker: ContainerRuntime,
  options: { trapSigterm: boolean; runtime?: 'runc' | 'runsc'; name: string },
): Promise<ContainerHandle> {
  const image = locateBenchmarkImage(join(repoRoot, 'resources', 'images'), 'cpu');
  if (!(await docker.hasImage(image.reference))) await docker.loadImage(image.tarballPath);
  const create = buildBenchmarkContainerOptions({ kind: 'cpu' }, image.reference, options.runtime ?? 'runc', {
    'io.rigshift.owner-pid': String(process.pid),
    'io.rigshift.test': options.name,
  });
  const script = options.trapSigterm ? 'trap "" TERM; while true; do sleep 1; done' : 'exec sleep 3600';
  const handle = await docker.createContainer({ ...create, Entrypoint: ['/bin/sh', '-c', script], Cmd: [] });
  await handle.start();
  return handle;
}
