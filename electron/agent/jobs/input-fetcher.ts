/**
 * Downloads a job's inputs into its workspace and proves each one is what the spec
 * promised: never more than sizeBytes (checked from Content-Length first, then counted
 * while streaming, so a lying server cannot fill the disk), then the sha256. Any mismatch
 * fails the job before a container exists.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobInput } from '../../../shared/domain/job';
import type { AddressPolicy } from '../../../shared/domain/address-policy';
import { createPinnedFetch } from '../net/pinned-fetch';
import type { Resolver } from '../net/pinned-lookup';

export class InputCheckError extends Error {
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = 'InputCheckError';
  }
}

export interface FetchInputsOptions {
  /**
   * Replaces the pinned fetch, and with it every address check: tests with scripted
   * responses only. Never set in the app.
   */
  fetch?: (url: URL, init: { signal: AbortSignal; redirect: 'manual' }) => Promise<Response>;
  signal: AbortSignal;
  /**
   * Which addresses a download may connect to (default: public only). Judged in the
   * socket's own lookup, so the address checked is the address connected to
   * (net/pinned-lookup.ts). Tests that serve inputs on 127.0.0.1 allow loopback.
   */
  addressPolicy?: AddressPolicy;
  /** Name resolution (default: the system's); tests script DNS answers with it. */
  resolver?: Resolver;
  /** Bytes received over all inputs so far, of the total the spec announces. */
  onProgress?: (received: number, total: number) => void;
}

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:']);
const MAX_REDIRECTS = 5;

function describe(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} bytes`;
}

async function fetchOne(
  input: JobInput,
  dir: string,
  options: FetchInputsOptions,
  onBytes: (n: number) => void,
): Promise<void> {
  const pinned = createPinnedFetch({ policy: options.addressPolicy, resolver: options.resolver });
  const doFetch = options.fetch ?? ((target: URL, init: { signal: AbortSignal }) => pinned(target, init));
  let url = new URL(input.url);
  let response: Response | null = null;
  // Redirects are followed by hand so that every hop gets the same address check.
  for (let hop = 0; hop <= MAX_REDIRECTS && !response; hop += 1) {
    if (!ALLOWED_PROTOCOLS.has(url.protocol)) {
      throw new InputCheckError(input.name, `Input "${input.name}": only http and https URLs are fetched, not ${url.protocol}.`);
    }
    let answer: Response;
    try {
      answer = await doFetch(url, { signal: options.signal, redirect: 'manual' });
    } catch (error) {
      if (options.signal.aborted) throw error;
      throw new InputCheckError(input.name, `Input "${input.name}" could not be downloaded: ${(error as Error).message}.`);
    }
    const location = answer.headers.get('location');
    if (answer.status >= 300 && answer.status < 400 && location) {
      await answer.body?.cancel().catch(() => undefined);
      url = new URL(location, url);
    } else {
      response = answer;
    }
  }
  if (!response) throw new InputCheckError(input.name, `Input "${input.name}": more than ${MAX_REDIRECTS} redirects.`);
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw new InputCheckError(input.name, `Input "${input.name}" could not be downloaded: HTTP ${response.status}.`);
  }
  const announced = response.headers.get('content-length');
  if (announced !== null && Number(announced) !== input.sizeBytes) {
    await response.body.cancel().catch(() => undefined);
    throw new InputCheckError(
      input.name,
      `Input "${input.name}" is ${describe(Number(announced))} on the server, but the job says ${describe(input.sizeBytes)}.`,
    );
  }

  const path = join(dir, input.name);
  const hash = createHash('sha256');
  // 0644: the job's user (not us) reads it through the read-only mount.
  const file = createWriteStream(path, { flags: 'wx', mode: 0o644 });
  const fileDone = new Promise<void>((resolve, reject) => {
    file.on('finish', resolve);
    file.on('error', reject);
  });
  let received = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > input.sizeBytes) {
        throw new InputCheckError(input.name, `Input "${input.name}" is larger than the ${describe(input.sizeBytes)} the job says; download stopped.`);
      }
      hash.update(value);
      onBytes(value.byteLength);
      if (!file.write(value)) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
    }
    file.end();
    await fileDone;
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    // A write still in flight fails once the file is destroyed: that is expected here.
    fileDone.catch(() => undefined);
    file.destroy();
    await rm(path, { force: true });
    throw error;
  }
  if (received !== input.sizeBytes) {
    await rm(path, { force: true });
    throw new InputCheckError(input.name, `Input "${input.name}" is ${describe(received)}, but the job says ${describe(input.sizeBytes)}.`);
  }
  const digest = hash.digest('hex');
  if (digest !== input.sha256) {
    await rm(path, { force: true });
    throw new InputCheckError(input.name, `Input "${input.name}" does not match its sha256 (got ${digest.slice(0, 12)}…, expected ${input.sha256.slice(0, 12)}…).`);
  }
}

/**
 * Fetches every input into `dir` (one after the other: a home connection gains nothing
 * from parallel downloads, and the byte caps stay simple). Throws InputCheckError for a
 * bad input, or the abort reason when cancelled.
 */
export async function fetchInputs(inputs: readonly JobInput[], dir: string, options: FetchInputsOptions): Promise<void> {
  const names = new Set<string>();
  for (const input of inputs) {
    if (names.has(input.name)) throw new InputCheckError(input.name, `Two inputs are named "${input.name}".`);
    names.add(input.name);
  }
  const total = inputs.reduce((sum, input) => sum + input.sizeBytes, 0);
  let received = 0;
  options.onProgress?.(0, total);
  for (const input of inputs) {
    options.signal.throwIfAborted();
    await fetchOne(input, dir, options, (n) => {
      received += n;
      options.onProgress?.(received, total);
    });
  }
}
