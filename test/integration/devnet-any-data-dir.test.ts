/**
 * Issue 13, problem 12: README's demo steps led to an empty market when the owner added
 * --data-dir to headless: the agent looked for the demo devnet only in <its data dir>/devnet
 * and started a second, empty chain. `rigshift devnet` now also publishes its deployment in a
 * per-user place (deployment-file.ts publishedDevnetDir; $RIGSHIFT_RUNTIME_DIR here, so the
 * test is isolated), and an agent with any --data-dir finds it and starts no chain of its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../../electron/agent/devnet/deployment-file';
import { pickFreePort } from '../../electron/agent/devnet/ports-free';
import { cliBundle, cliShim, interruptAndWait, repoRoot } from '../helpers/cli';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready = need(fileExists(cliBundle, 'npm run build'));

describe.skipIf(!ready)('a headless agent with its own --data-dir finds the devnet `rigshift devnet` started', () => {
  const devnetData = tempDir('rigshift-devnet-data-');
  const agentData = tempDir('rigshift-agent-data-');
  const runtime = tempDir('rigshift-runtime-');
  const env = { ...process.env, RIGSHIFT_RUNTIME_DIR: runtime.path };
  let devnet: ChildProcess | null = null;
  let agent: HeadlessProcess | null = null;

  afterAll(async () => {
    await agent?.stop();
    await interruptAndWait(devnet);
    for (const dir of [devnetData, agentData, runtime]) dir.cleanup();
  });

  it('uses that chain and market, and starts no Hardhat node of its own', async () => {
    const port = await pickFreePort();
    devnet = spawn(process.execPath, [cliShim, 'devnet', '--data-dir', devnetData.path, '--port', String(port)], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    devnet.stdout!.on('data', (d) => (out += d));
    devnet.stderr!.on('data', (d) => (out += d));
    const deadline = Date.now() + 90_000;
    while (!out.includes('Press Ctrl-C to stop.')) {
      if (Date.now() > deadline || devnet.exitCode !== null) throw new Error(`rigshift devnet did not get ready:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const started = readDeployment(join(devnetData.path, 'devnet'))!;
    expect(readDeployment(join(runtime.path, 'devnet'))).toEqual(started);

    // The default network setting (local devnet), a different data dir: README's second step.
    agent = await startHeadlessAgent(['--data-dir', agentData.path], 60_000, { devnet: true, env });
    const end = Date.now() + 60_000;
    while (!/Chain online:/.test(agent.output())) {
      if (Date.now() > end) throw new Error(`the agent never got online:\n${agent.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const line = /Chain online: .*$/m.exec(agent.output())![0];
    expect(line).toContain(started.rpcUrl);
    expect(line).toContain(started.market);
    // It reused that chain: no devnet of its own in its data dir.
    expect(existsSync(join(agentData.path, 'devnet', 'deployment.json'))).toBe(false);
  }, 180_000);
});
