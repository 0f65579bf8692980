import { type ChildProcess, spawn } from 'node:child_process';
import { DEVNET_MARKET_VERSION_ENV } from '../../electron/agent/devnet/deploy-devnet';
import { cliShim, repoRoot } from './cli';

export interface HeadlessProcess {
  child: ChildProcess;
  url: string;
  origin: string;
  token: string;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * Starts `rigshift headless` like a user would and waits for the link it prints.
 * With the default network setting (the local devnet) every agent would start a Hardhat
 * node; tests that do not need a chain get `--no-devnet` unless they pass `{ devnet: true }`
 * (a test with `--network custom ...` needs neither: that setting starts no devnet).
 * A devnet such an agent starts deploys the legacy v1 market (the suites that ask for
 * `{ devnet: true }` were written for it) unless the test's env names a version
 * (RIGSHIFT_DEVNET_MARKET_VERSION, '2' for v2, '' for the devnet's default) or it passes
 * `marketVersion`. An agent that reuses a running devnet takes whatever that one deployed.
 */
export function startHeadlessAgent(
  args: string[],
  timeoutMs = 30_000,
  options: { devnet?: boolean; env?: NodeJS.ProcessEnv; marketVersion?: 1 | 2 } = {},
): Promise<HeadlessProcess> {
  const devnetArgs = options.devnet ? [] : ['--no-devnet'];
  const env = { ...(options.env ?? process.env) };
  if (options.marketVersion !== undefined) env[DEVNET_MARKET_VERSION_ENV] = String(options.marketVersion);
  else env[DEVNET_MARKET_VERSION_ENV] ??= '1';
  const child = spawn(process.execPath, [cliShim, 'headless', '--port', '0', ...devnetArgs, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`headless agent did not print its URL:\n${out}`)), timeoutMs);
    const onData = () => {
      // The token is in the fragment (`/#token=…`): it never reaches the server.
      const match = /Open the dashboard: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        child,
        url: `${match[1]}/#token=${match[2]}`,
        origin: match[1]!,
        token: match[2]!,
        output: () => out,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
            child.once('exit', (code) => done(code));
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`headless agent exited (${code}):\n${out}`));
    });
  });
}

/** One call of the agent's HTTP API with its token (what the dashboard does); throws on an error answer. */
export async function callAgent<T = unknown>(agent: Pick<HeadlessProcess, 'origin' | 'token'>, name: string, request: unknown = {}): Promise<T> {
  const response = await fetch(`${agent.origin}/api/call/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` },
    body: JSON.stringify(request),
  });
  const result = (await response.json()) as { ok: boolean; value?: unknown; error?: unknown };
  if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.error)}`);
  return result.value as T;
}
