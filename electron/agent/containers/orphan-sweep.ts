import type { ContainerRuntime, Logger } from '../ports';
import { isOrphan, MANAGED_LABEL } from './owner-label';

/**
 * Containers we labelled in an earlier run that did not end cleanly are never left behind:
 * a long-running agent removes every managed container whose owner process is gone.
 */
export async function removeOrphanContainers(
  docker: ContainerRuntime,
  processAlive: (pid: number) => boolean,
  logger: Logger,
): Promise<void> {
  try {
    const managed = await docker.listContainers({ [MANAGED_LABEL]: 'true' });
    for (const orphan of managed.filter((c) => isOrphan(c.labels, processAlive, process.pid))) {
      await docker.removeContainer(orphan.id);
      logger.warn('removed a container left over from an earlier run', { id: orphan.id, state: orphan.state });
    }
  } catch (error) {
    logger.debug('orphan sweep skipped', { error: String(error) });
  }
}
