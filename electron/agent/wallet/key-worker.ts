/**
 * The key worker's entry (a worker_threads Worker started by key-worker-client.ts). It is
 * the only place a decrypted key lives. scrypt runs here, so the agent's event loop keeps
 * serving the UI while a keystore unlocks (ethers' scrypt yields only to microtasks).
 * Requests run one at a time, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AgentError } from '../../../shared/api/result';
import { KeyVault } from './key-vault';
import type { KeyWorkerData, KeyWorkerMessage, KeyWorkerRequest } from './key-worker-protocol';

const port = parentPort;
if (!port) throw new Error('key-worker.ts must run as a worker thread');

const vault = new KeyVault((workerData as KeyWorkerData).scryptN);
let queue: Promise<void> = Promise.resolve();

const post = (message: KeyWorkerMessage) => port.postMessage(message);

/** Progress at most every 2 %: ethers reports ~10,000 steps per KDF. */
function progressFor(id: number): (fraction: number) => void {
  let last = -1;
  return (fraction) => {
    if (fraction - last < 0.02 && fraction < 1) return;
    last = fraction;
    post({ id, kind: 'progress', fraction });
  };
}

async function run(id: number, request: KeyWorkerRequest): Promise<unknown> {
  const progress = progressFor(id);
  const now = Date.now();
  switch (request.op) {
    case 'generate':
      return vault.generate(now);
    case 'confirmCreation':
      return vault.confirmCreation(request.creationId, request.checks, request.password, now, progress);
    case 'importSecret':
      return vault.importSecret(request.source, request.password, progress);
    case 'activateStaged':
      return vault.activateStaged();
    case 'discardStaged':
      return vault.discardStaged(), null;
    case 'unlock':
      return vault.unlock(request.keystoreJson, request.password, progress);
    case 'lock':
      return vault.lock(), null;
    case 'status':
      return vault.status();
    case 'reveal':
      return vault.reveal(request.keystoreJson, request.password, progress);
    case 'verifyPassword':
      return vault.verifyPassword(request.keystoreJson, request.password, progress);
    case 'signTransaction':
      return vault.signTransaction(request.tx, request.from);
  }
}

port.on('message', ({ id, request }: { id: number; request: KeyWorkerRequest }) => {
  queue = queue.then(async () => {
    try {
      post({ id, kind: 'result', ok: true, value: await run(id, request) });
    } catch (error) {
      const apiError =
        error instanceof AgentError
          ? error.toApiError()
          : { code: 'wallet_internal', message: `The wallet worker failed: ${error instanceof Error ? error.message : String(error)}` };
      post({ id, kind: 'result', ok: false, error: apiError });
    }
  });
});
