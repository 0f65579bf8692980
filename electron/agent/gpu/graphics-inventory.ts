/**
 * Every display adapter (NVIDIA or not) through systeminformation's graphics().
 *
 * graphics() runs lspci / PowerShell / nvidia-smi with execSync, which would freeze the
 * agent's event loop (UI pushes, HTTP answers) for as long as those take; on a Windows
 * machine with a sleeping dGPU that can be seconds. So it runs in a worker thread: the
 * blocking happens there, and if it does not answer in time we give up on it (the
 * inventory is informational, adapters: []) and terminate the worker.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { GraphicsAdapter } from '../../../shared/domain/gpu';

/** The fields of systeminformation's GraphicsControllerData we use. */
export interface GraphicsControllerLike {
  vendor?: string | null;
  model?: string | null;
  name?: string | null;
  vram?: number | null;
  busAddress?: string | null;
  pciBus?: string | null;
}

/** Pure mapping from systeminformation's controllers to our adapter shape. */
export function toGraphicsAdapters(controllers: readonly GraphicsControllerLike[]): GraphicsAdapter[] {
  return controllers
    .map((controller) => ({
      vendor: (controller.vendor ?? '').trim(),
      model: (controller.model || controller.name || '').trim(),
      // systeminformation reports MB (MiB, really); 0 and negatives mean "unknown" there.
      vramMiB: typeof controller.vram === 'number' && controller.vram > 0 ? controller.vram : null,
      busAddress: (controller.busAddress || controller.pciBus || '').trim() || null,
    }))
    .filter((adapter) => adapter.vendor !== '' || adapter.model !== '');
}

export const isNvidiaAdapter = (adapter: GraphicsAdapter): boolean =>
  /nvidia/i.test(adapter.vendor) || /nvidia|geforce|quadro|tesla/i.test(adapter.model);

// CommonJS inside the worker: the module path is resolved by the parent and passed in,
// so the worker does not depend on its own working directory.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
require(workerData.modulePath).graphics()
  .then((data) => parentPort.postMessage({ ok: true, controllers: data.controllers }))
  .catch((error) => parentPort.postMessage({ ok: false, message: String(error) }));
`;

export interface IsolatedGraphicsOptions {
  timeoutMs?: number;
  /** Absolute path of systeminformation's entry point; resolved from here by default. */
  modulePath?: string;
}

/** graphics() in a worker thread with a time limit; resolves [] on any failure. */
export function createIsolatedGraphicsInventory(options: IsolatedGraphicsOptions = {}): () => Promise<GraphicsAdapter[]> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return () =>
    new Promise<GraphicsAdapter[]>((resolve) => {
      let modulePath: string;
      try {
        modulePath = options.modulePath ?? createRequire(import.meta.url).resolve('systeminformation');
      } catch {
        resolve([]);
        return;
      }
      let worker: Worker;
      try {
        worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath } });
      } catch {
        resolve([]);
        return;
      }
      // A worker stuck in execSync must not keep the process alive on shutdown.
      worker.unref();
      let settled = false;
      const finish = (adapters: GraphicsAdapter[]) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        resolve(adapters);
      };
      const timer = setTimeout(() => finish([]), timeoutMs);
      worker.once('message', (message: { ok: boolean; controllers?: GraphicsControllerLike[] }) => {
        finish(message.ok && Array.isArray(message.controllers) ? toGraphicsAdapters(message.controllers) : []);
      });
      worker.once('error', () => finish([]));
      worker.once('exit', () => finish([]));
    });
}
