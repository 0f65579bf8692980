/**
 * Two real `rigshift headless` agents on one data dir: the second refuses to start, naming
 * the first (its pid) and what to do; after the first dies by kill -9 its lock is stale and
 * the next agent takes the data dir over.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBundle, runCli } from '../helpers/cli';
import { startHeadlessAgent, type HeadlessProcess } from '../helpers/headless-process';
import { fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const built = need(fileExists(cliBundle, 'npm run build'));
const dir = tempDir('rigshift-lock-it-');
const started: HeadlessProcess[] = [];
afterAll(async () => {
  for (const agent of started) await agent.stop();
  dir.cleanup();
});

describe.skipIf(!built)('one agent per data dir', () => {
  it('a second headless agent on the same data dir exits non-zero naming the first; a kill -9 leaves a lock the next start takes over', async () => {
    const env = { XDG_CONFIG_HOME: dir.path };
    const first = await startHeadlessAgent(['--data-dir', dir.path]);
    started.push(first);
    const lockFile = join(dir.path, 'agent.lock');
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: first.child.pid, mode: 'headless' });

    const second = await runCli(['headless', '--port', '0', '--no-devnet', '--data-dir', dir.path], { env, timeoutMs: 30_000 });
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    expect(second.stderr).toContain(dir.path);
    expect(second.stderr).toMatch(/Stop it first .*kill \d+.*or use another --data-dir/);
    expect(second.stdout).not.toContain('Open the dashboard');

    // kill -9: no chance to remove the lock.
    const exited = new Promise((done) => first.child.once('exit', done));
    first.child.kill('SIGKILL');
    await exited;
    expect(existsSync(lockFile)).toBe(true);

    const third = await startHeadlessAgent(['--data-dir', dir.path]);
    started.push(third);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: third.child.pid });
    // A clean stop removes the lock.
    expect(await third.stop()).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  }, 90_000);
});
