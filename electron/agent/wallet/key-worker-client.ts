/**
 * The main-thread side of the key worker: starts it on first use, numbers requests, and
 * turns answers back into values or AgentErrors. If the worker dies, every pending
 * request fails and the wallet counts as locked (the key died with it); the next request
 * starts a fresh worker.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AgentError } from '../../../shared/api/result';
import type { KeyWorkerData, KeyWorkerMessage, KeyWorkerRequest, KeyWorkerResults } from './key-worker-protocol';

export interface KeyWorkerClient {
  request<R extends KeyWorkerRequest>(request: R, onProgress?: (fraction: number) => void): Promise<KeyWorkerResults[R['op']]>;
  /** Called when the worker exits unexpectedly (the key is gone: the wallet is locked). */
  onExit(listener: () => void): () => void;
  close(): Promise<void>;
}

/**
 * Where the worker script is. Bundled (dist/cli/rigshift.mjs, dist/electron/main.js) it is
 * the sibling wallet-key-worker.mjs that `npm run build` writes next to each bundle; from
 * source (tests, tsx) it is key-worker.ts, run through tsx's loader.
 */
export function resolveKeyWorkerScript(): KeyWorkerScript {
  const bundled = unpackedFromAsar(new URL('./wallet-key-worker.mjs', import.meta.url));
  if (existsSync(fileURLToPath(bundled))) return { kind: 'file', url: bundled };
  // From source: a two-line bootstrap registers tsx in the worker, then loads the .ts entry
  // (Node 20 does not apply an --import loader given in a Worker's execArgv).
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL('./key-worker.ts', import.meta.url).href;
  return {
    kind: 'eval',
    code: `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
  };
}

/**
 * In the packaged desktop app the bundles sit inside app.asar, which a worker thread cannot
 * load from; electron-builder.yml unpacks the worker (self-contained: ethers is bundled
 * into it) to app.asar.unpacked.
 */
export function unpackedFromAsar(url: URL): URL {
  return new URL(url.href.replace(/\/app\.asar\//, '/app.asar.unpacked/'));
}

export type KeyWorkerScript = { kind: 'file'; url: URL } | { kind: 'eval'; code: string };

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onProgress?: (fraction: number) => void;
}

export function createKeyWorkerClient(options: { scryptN: number; script?: KeyWorkerScript }): KeyWorkerClient {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const exitListeners = new Set<() => void>();
  let closing = false;

  const failAll = (error: AgentError) => {
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  };

  const start = (): Worker => {
    const script = options.script ?? resolveKeyWorkerScript();
    const data: KeyWorkerData = { scryptN: options.scryptN };
    // env: {} — the worker needs no environment, and gets none of the agent's.
    const started =
      script.kind === 'file'
        ? new Worker(script.url, { workerData: data, env: {} })
        : new Worker(script.code, { eval: true, workerData: data, env: {} });
    started.on('message', (message: KeyWorkerMessage) => {
      const entry = pending.get(message.id);
      if (!entry) return;
      if (message.kind === 'progress') {
        entry.onProgress?.(message.fraction);
        return;
      }
      pending.delete(message.id);
      if (pending.size === 0) started.unref();
      if (message.ok) entry.resolve(message.value);
      else entry.reject(new AgentError(message.error.code, message.error.message, message.error.hint));
    });
    started.on('error', (error) => {
      failAll(new AgentError('wallet_worker_failed', `The wallet's key worker failed: ${error.message}`, 'Unlock the wallet again.'));
    });
    started.on('exit', () => {
      if (worker === started) worker = null;
      failAll(new AgentError('wallet_worker_failed', "The wallet's key worker stopped.", 'Unlock the wallet again.'));
      if (!closing) for (const listener of [...exitListeners]) listener();
    });
    return started;
  };

  return {
    request(request, onProgress) {
      worker ??= start();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onProgress });
        // Referenced only while a request is open: an idle worker must not keep a
        // one-shot CLI process alive, a busy one must keep it waiting for the answer.
        worker!.ref();
        worker!.postMessage({ id, request });
      });
    },
    onExit(listener) {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },
    async close() {
      closing = true;
      const current = worker;
      worker = null;
      if (current) await current.terminate();
      closing = false;
    },
  };
}
