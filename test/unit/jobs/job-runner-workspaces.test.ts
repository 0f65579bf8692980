import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanupStaleWorkspaces } from '../../../electron/agent/jobs/job-runner';
import { tempDir } from '../../helpers/temp-dir';

describe('cleanupStaleWorkspaces', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  function workspace(jobId: string, ownerPid: number, withResults = false) {
    const root = join(dir.path, 'jobs', jobId);
    mkdirSync(join(root, 'in'), { recursive: true });
    mkdirSync(join(root, 'out'));
    writeFileSync(join(root, 'owner-pid'), String(ownerPid));
    if (withResults) {
      mkdirSync(join(root, 'results'));
      writeFileSync(join(root, 'results', 'r.txt'), 'kept');
    }
    return root;
  }

  it('removes the work area of dead owners, keeps results, active jobs and live owners', () => {
    const deadPid = 2 ** 22 + 12345; // above pid_max on default kernels: never alive
    const crashed = workspace('crashed', deadPid);
    const finished = workspace('finished', deadPid, true);
    const active = workspace('active', deadPid);
    const otherAgent = workspace('other-agent', process.ppid);
    expect(cleanupStaleWorkspaces(dir.path, ['active']).sort()).toEqual(['crashed', 'finished']);
    expect(existsSync(crashed)).toBe(false);
    expect(existsSync(join(finished, 'in'))).toBe(false);
    expect(readFileSync(join(finished, 'results', 'r.txt'), 'utf8')).toBe('kept');
    expect(existsSync(join(active, 'out'))).toBe(true);
    expect(existsSync(join(otherAgent, 'out'))).toBe(true);
  });

  it('does nothing without a jobs folder', () => {
    expect(cleanupStaleWorkspaces(dir.path, [])).toEqual([]);
  });
});
