/**
 * Spawns the Hardhat node of the local devnet as a child process (resources/devnet/
 * devnet-node.cjs) and waits until it answers. A child, not in-process: a crash of the
 * chain never takes the agent (or the Electron main process) with it.
 *
 * The child exits when its stdin pipe closes, so it dies with this process however this
 * process ends (even SIGKILL or a crash): no orphaned chain keeps a port busy.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentError } from '../../../shared/api/result';
import type { Logger } from '../ports';

export interface DevnetProcess {
  pid: number;
  port: number;
  rpcUrl: string;
  /** Resolves when the child exits, for any reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines the child printed (for error messages). */
  output(): string;
  stop(): Promise<void>;
}

const NODE_SCRIPT = join('devnet', 'devnet-node.cjs');

/**
 * resources/ of a checkout, found from this module's own location, so the bundled CLI
 * (dist/cli), the Electron main bundle (dist/electron) and the sources all find it.
 * A packaged app passes its resources folder explicitly.
 */
export function defaultResourcesDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'resources', NODE_SCRIPT))) return join(dir, 'resources');
    dir = dirname(dir);
  }
  return null;
}

function hardhatDir(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve('hardhat/package.json'));
  } catch {
    throw new AgentError('devnet_unavailable', 'Hardhat is not installed, so the local devnet cannot start.', 'Run npm ci, or choose another network in Settings.');
  }
}

export async function spawnDevnetNode(options: {
  port: number;
  resourcesDir?: string;
  /** Interval mining in ms (0: automine only). */
  intervalMs?: number;
  logger: Logger;
  readyTimeoutMs?: number;
}): Promise<DevnetProcess> {
  const resourcesDir = options.resourcesDir ?? defaultResourcesDir();
  const script = resourcesDir ? join(resourcesDir, NODE_SCRIPT) : null;
  if (!script || !existsSync(script)) {
    throw new AgentError('devnet_unavailable', `The devnet launcher is missing (${script ?? 'resources/devnet not found'}).`, 'Reinstall RigShift, or choose another network in Settings.');
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RIGSHIFT_HARDHAT_DIR: hardhatDir(),
    RIGSHIFT_DEVNET_INTERVAL_MS: String(options.intervalMs ?? 1000),
    HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true',
  };
  // Under Electron, process.execPath is the Electron binary: this makes it a plain Node.
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  const child: ChildProcess = spawn(process.execPath, [script, String(options.port)], {
    cwd: dirname(script),
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  // The pipe's only job is to close when we die; never let a write error surface.
  child.stdin!.on('error', () => undefined);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });

  return new Promise<DevnetProcess>((resolve, reject) => {
    let lineBuffer = '';
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new AgentError('devnet_failed', message, 'See the log above; try another --port, or run npm ci.'));
    };
    const timer = setTimeout(
      () => fail(`The devnet did not start within ${(options.readyTimeoutMs ?? 60_000) / 1000} s. ${tail.trim()}`),
      options.readyTimeoutMs ?? 60_000,
    );
    child.once('error', (error) => fail(`The devnet could not be started: ${error.message}`));
    void exited.then(({ code, signal }) => fail(`The devnet exited while starting (${signal ?? `code ${code}`}). ${tail.trim()}`));
    child.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      if (settled) return;
      lineBuffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = lineBuffer.indexOf('\n')) !== -1) {
        const line = lineBuffer.slice(0, newline).trim();
        lineBuffer = lineBuffer.slice(newline + 1);
        let message: { ready?: boolean; port?: number; error?: string };
        try {
          message = JSON.parse(line) as typeof message;
        } catch {
          continue;
        }
        if (message.ready && typeof message.port === 'number') {
          settled = true;
          clearTimeout(timer);
          const port = message.port;
          options.logger.info('devnet node started', { pid: child.pid, port });
          resolve({
            pid: child.pid!,
            port,
            rpcUrl: `http://127.0.0.1:${port}`,
            exited,
            output: () => tail,
            stop: async () => {
              if (child.exitCode !== null || child.signalCode !== null) return;
              child.kill('SIGTERM');
              const killer = setTimeout(() => child.kill('SIGKILL'), 3_000);
              await exited;
              clearTimeout(killer);
            },
          });
          return;
        }
        if (message.ready === false) fail(`The devnet failed to start: ${message.error ?? 'unknown error'}`);
      }
    });
  });
}
