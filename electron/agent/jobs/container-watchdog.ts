/**
 * A job's deadline must hold even when the agent does not: after a kill -9, a crash or a
 * power-managed suspend of the agent, a stranger's container would otherwise run until
 * the agent comes back (its startup sweep removes it), which may be never.
 *
 * So for every run the agent starts a tiny watchdog process, detached from itself (its own
 * process group: no signal aimed at the agent or its terminal reaches it), with the same
 * runtime binary (Node, or Electron as Node). It sleeps until the job's deadline plus the
 * stop grace plus a small margin, then removes the container through the Docker API
 * (DELETE /containers/{id}?force=true: SIGKILL and remove). When the run ends normally the
 * agent removes the container itself and kills the watchdog; a watchdog that outlives its
 * agent finds nothing, or removes what was left.
 *
 * The script is plain JavaScript kept in this file and run with `-e`: nothing to bundle,
 * resolve or unpack from app.asar, only Node built-ins, one argument (JSON) in.
 */
import { spawn } from 'node:child_process';
import type { Logger } from '../ports';

/** How the watchdog reaches the engine: a Unix socket / Windows pipe, or TCP. */
export type DockerEndpoint =
  | { socketPath: string }
  | { host: string; port: number; protocol: 'http' | 'https' };

export interface ContainerWatchdog {
  /**
   * Removes the container `afterMs` from now unless released first. Resolves once the
   * watchdog process exists; release() ends it (the run ended and removed its container).
   */
  guard(containerId: string, afterMs: number): Promise<() => void>;
}

/** After deadline + grace: time for the agent's own stop (when alive) to finish first. */
export const WATCHDOG_MARGIN_MS = 3_000;

/** What the script receives, as one JSON argument. */
export interface WatchdogOrder {
  containerId: string;
  afterMs: number;
  endpoint: DockerEndpoint;
}

/**
 * The watchdog. Engine unreachable at the deadline (restarting, say): it retries every
 * 2 s for a minute, then gives up (the agent's startup sweep remains). A 404 means the
 * container is already gone: done.
 */
export const WATCHDOG_SCRIPT = String.raw`
'use strict';
const order = JSON.parse(process.argv[process.argv.length - 1]);
process.title = 'rigshift-watchdog';
const endpoint = order.endpoint;
const client = require(endpoint.protocol === 'https' ? 'node:https' : 'node:http');
const fs = require('node:fs');
const path = require('node:path');
function tls() {
  const dir = process.env.DOCKER_CERT_PATH;
  if (endpoint.protocol !== 'https' || !dir) return {};
  const read = (name) => fs.readFileSync(path.join(dir, name));
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}
function remove() {
  return new Promise((resolve) => {
    const where = endpoint.socketPath ? { socketPath: endpoint.socketPath } : { host: endpoint.host, port: endpoint.port, ...tls() };
    const request = client.request(
      { ...where, method: 'DELETE', path: '/containers/' + encodeURIComponent(order.containerId) + '?force=true&v=true', timeout: 30000 },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode === 204 || response.statusCode === 404));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve(false));
    request.end();
  });
}
const removeAt = Date.now() + order.afterMs;
function sleepUntil(at) {
  // setTimeout holds at most ~24.8 days; longer deadlines sleep in steps.
  return new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(0, at - Date.now()), 2147483647)));
}
(async () => {
  while (Date.now() < removeAt) await sleepUntil(removeAt);
  for (let attempt = 0; attempt < 30; attempt += 1) {
    if (await remove()) return;
    await sleepUntil(Date.now() + 2000);
  }
})();
`;

/** The engine dockerode talks to (its modem read DOCKER_HOST the same way), or null for ssh:// and the like. */
export async function dockerEndpointOf(modem: {
  socketPath?: unknown;
  host?: unknown;
  port?: unknown;
  protocol?: unknown;
}): Promise<DockerEndpoint | null> {
  if (modem.socketPath) {
    const socketPath = typeof modem.socketPath === 'function' ? await (modem.socketPath as () => Promise<unknown>)() : modem.socketPath;
    return typeof socketPath === 'string' && socketPath ? { socketPath } : null;
  }
  if (typeof modem.host === 'string' && (modem.protocol === 'http' || modem.protocol === 'https')) {
    const port = Number(modem.port ?? (modem.protocol === 'https' ? 2376 : 2375));
    return Number.isInteger(port) ? { host: modem.host, port, protocol: modem.protocol } : null;
  }
  return null;
}

export interface ProcessWatchdogOptions {
  /** Resolved lazily (dockerode's default socket is found asynchronously). */
  endpoint: () => Promise<DockerEndpoint | null>;
  logger: Logger;
  /** The runtime that runs the script; default this process's own (Node or Electron). */
  execPath?: string;
}

export function createProcessWatchdog(options: ProcessWatchdogOptions): ContainerWatchdog {
  let endpoint: Promise<DockerEndpoint | null> | null = null;
  return {
    async guard(containerId, afterMs) {
      endpoint ??= options.endpoint().catch(() => null);
      const target = await endpoint;
      if (!target) {
        options.logger.warn('job: no watchdog for this engine connection; the startup sweep remains', { containerId });
        return () => undefined;
      }
      const order: WatchdogOrder = { containerId, afterMs: Math.max(0, Math.round(afterMs)), endpoint: target };
      const env: NodeJS.ProcessEnv = { ELECTRON_RUN_AS_NODE: '1' };
      // Windows needs SystemRoot for sockets; TLS engines need their certificates.
      for (const name of ['SystemRoot', 'SYSTEMROOT', 'DOCKER_CERT_PATH']) if (process.env[name]) env[name] = process.env[name];
      const child = spawn(options.execPath ?? process.execPath, ['-e', WATCHDOG_SCRIPT, JSON.stringify(order)], {
        detached: true,
        stdio: 'ignore',
        env,
        windowsHide: true,
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      }).catch((error: unknown) => {
        options.logger.warn('job: the watchdog did not start; the startup sweep remains', { containerId, error: String(error) });
      });
      child.unref();
      return () => {
        if (child.exitCode === null && child.signalCode === null) child.kill();
      };
    },
  };
}
