/**
 * The adversarial suite (issue 4; sandbox.md section 6, every attack that needs no GPU):
 * a hostile image (test/helpers/attack-images.ts) runs each attack through the real job
 * runner, once under runc and once under runsc (gVisor). Each test asserts the job ended
 * with the right reason, the host is unaffected (a decoy file, its processes, its free
 * memory) and nothing is left behind (containers, networks, volumes, the workspace).
 *
 * Needs the Docker engine with runc and runsc registered, gcc and busybox-static: outside
 * CI a missing one skips loudly, under CI=true it fails (test/helpers/requirements.ts).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe } from 'vitest';
import { createDockerodeRuntime } from '../../electron/agent/docker/dockerode-runtime';
import { attackImageTools, ensureAttackImage, removeAttackImage } from '../helpers/attack-images';
import { dockerEngine, need, type Requirement } from '../helpers/requirements';
import { removeAttackDataDirs, type Runtime, type SuiteEnv } from './attack-harness';
import { createDecoy } from './host-guard';
import { isolationAttacks } from './isolation-attacks';
import { resourceAttacks } from './resource-attacks';

function runtimeRegistered(name: Runtime): Requirement {
  try {
    const runtimes = execFileSync('docker', ['info', '--format', '{{json .Runtimes}}'], { encoding: 'utf8', timeout: 10_000 });
    return Object.keys(JSON.parse(runtimes) as Record<string, unknown>).includes(name)
      ? { ok: true, reason: '' }
      : { ok: false, reason: `the Docker engine has no "${name}" runtime registered` };
  } catch {
    return { ok: false, reason: 'no Docker engine answers' };
  }
}

const engineReady = need(dockerEngine()) && need(attackImageTools());
const runtimes = (['runc', 'runsc'] as const).filter((r) => engineReady && need(runtimeRegistered(r)));

describe.skipIf(!engineReady)('adversarial suite (real engine, hostile image)', () => {
  const docker = createDockerodeRuntime();
  let env: SuiteEnv | null = null;
  const current = (): SuiteEnv => {
    if (!env) throw new Error('the suite environment was not set up');
    return env;
  };

  beforeAll(async () => {
    const [engine, image] = await Promise.all([docker.info(), ensureAttackImage(docker)]);
    env = { docker, engine, image, decoy: createDecoy() };
  }, 120_000);

  afterAll(async () => {
    removeAttackDataDirs();
    env?.decoy.cleanup();
    if (env) await removeAttackImage(env.image);
  });

  describe.each(runtimes)('under %s', (runtime) => {
    resourceAttacks(current, runtime);
    isolationAttacks(current, runtime);
  });
});
