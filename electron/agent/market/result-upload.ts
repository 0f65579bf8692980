/**
 * Uploads a finished job's outputs to the requester: a tar archive (ustar, regular files in
 * name order, fixed mtime and owner so the same outputs give the same bytes) streamed from
 * <dataDir>/jobs/<id>/results/ by HTTP PUT to the job document's upload URL.
 *
 * The URL came from a stranger: https to a public address only (loopback http only on the
 * local devnet, where the demo requester listens), checked again on the addresses the host
 * name resolves to at connect time (so DNS cannot point us at the LAN), no redirects
 * followed, a connect/idle timeout and an overall deadline. The same host is checked before
 * the job is claimed (checkUploadHost): a job whose results could never be delivered is not
 * taken, so its requester cannot make the provider lose its stake that way.
 */
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { AgentError } from '../../../shared/api/result';
import type { JobOutputFile } from '../../../shared/domain/job';
import { uploadUrlProblem } from '../../../shared/domain/market-evaluation';
import { assertPublicHost } from '../jobs/public-address';
import { pinnedLookup } from '../net/pinned-lookup';

const BLOCK = 512;
const MTIME = 1_704_067_200; // 2024-01-01: fixed, so identical outputs make identical archives

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

function header(name: string, size: number, type: '0' | 'x'): Buffer {
  const buf = Buffer.alloc(BLOCK, 0);
  buf.write(name.slice(0, 100), 0, 'utf8');
  buf.write(octal(0o644, 8), 100);
  buf.write(octal(0, 8), 108);
  buf.write(octal(0, 8), 116);
  buf.write(octal(size, 12), 124);
  buf.write(octal(MTIME, 12), 136);
  buf.write('        ', 148); // checksum counted as spaces
  buf.write(type, 156);
  buf.write('ustar\0', 257);
  buf.write('00', 263);
  let sum = 0;
  for (const byte of buf) sum += byte;
  buf.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return buf;
}

/** A PAX record for names over 100 bytes ("<len> path=<name>\n", len counting itself). */
function paxPath(name: string): Buffer {
  const body = ` path=${name}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length++;
  return Buffer.from(`${length}${body}`, 'utf8');
}

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

export interface TarPlan {
  size: number;
  stream(): Readable;
}

/** Plans the archive of `outputs` from `dir`; checks each file is there with its recorded size. */
export function planResultsTar(dir: string, outputs: readonly JobOutputFile[]): TarPlan {
  const files = [...outputs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let size = BLOCK * 2;
  for (const file of files) {
    const stat = statSync(join(dir, file.name));
    if (!stat.isFile() || stat.size !== file.sizeBytes) {
      throw new AgentError('results_changed', `The result file ${file.name} is not what the job left (size ${stat.size}, recorded ${file.sizeBytes}).`);
    }
    const nameBytes = Buffer.byteLength(file.name);
    if (nameBytes > 100) {
      const pax = paxPath(file.name);
      size += BLOCK + pax.length + padding(pax.length);
    }
    size += BLOCK + file.sizeBytes + padding(file.sizeBytes);
  }
  return {
    size,
    stream() {
      const out = new PassThrough();
      void (async () => {
        try {
          for (const file of files) {
            if (Buffer.byteLength(file.name) > 100) {
              const pax = paxPath(file.name);
              out.write(header('PaxHeader', pax.length, 'x'));
              out.write(pax);
              out.write(Buffer.alloc(padding(pax.length)));
            }
            out.write(header(file.name, file.sizeBytes, '0'));
            for await (const chunk of createReadStream(join(dir, file.name))) {
              if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
            }
            out.write(Buffer.alloc(padding(file.sizeBytes)));
          }
          out.end(Buffer.alloc(BLOCK * 2));
        } catch (error) {
          out.destroy(error as Error);
        }
      })();
      return out;
    },
  };
}

/** Resolves like dns.lookup but refuses non-public addresses (unless loopback is allowed). */
/**
 * The upload host is a stranger's: resolved once, every answer judged by the address
 * policy, and the socket pinned to the judged address (net/pinned-lookup.ts), so DNS
 * rebinding cannot switch it between check and connect. Loopback only on the devnet.
 */
function guardedLookup(allowLoopback: boolean): LookupFunction {
  return pinnedLookup({ allowLoopback });
}

export interface UploadOptions {
  url: string;
  resultsDir: string;
  outputs: readonly JobOutputFile[];
  isDevnet: boolean;
  /** No byte for this long = failure. */
  idleTimeoutMs?: number;
  /** Whole upload deadline. */
  deadlineMs?: number;
  signal?: AbortSignal;
}

export async function uploadResults(options: UploadOptions): Promise<{ bytes: number; status: number }> {
  const problem = uploadUrlProblem(options.url, options.isDevnet);
  if (problem) throw new AgentError('upload_refused', `The results were not uploaded: ${problem}.`);
  const url = new URL(options.url);
  const plan = planResultsTar(options.resultsDir, options.outputs);
  const client = url.protocol === 'https:' ? https : http;
  const deadline = AbortSignal.timeout(options.deadlineMs ?? 10 * 60_000);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/x-tar', 'content-length': String(plan.size) },
        lookup: guardedLookup(options.isDevnet),
        timeout: options.idleTimeoutMs ?? 30_000,
        signal,
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve({ bytes: plan.size, status });
          else reject(new AgentError('upload_failed', `The upload endpoint answered HTTP ${status}.`, 'The requester\'s upload endpoint refused the results; the job is kept and retried.'));
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error('the upload endpoint stopped answering')));
    request.on('error', (error) => reject(new AgentError('upload_failed', `The results could not be uploaded: ${error.message}.`)));
    const body = plan.stream();
    body.on('error', (error) => request.destroy(error));
    body.pipe(request);
  });
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * Before a claim: the upload URL must pass the document rules and its host must resolve
 * to public addresses only (assertPublicHost); on a local devnet a loopback host is the
 * demo requester and allowed. Throws AgentError('upload_refused') otherwise.
 */
export async function checkUploadHost(url: string, isLocal: boolean): Promise<void> {
  const problem = uploadUrlProblem(url, isLocal);
  if (problem) throw new AgentError('upload_refused', `The upload URL is refused: ${problem}.`);
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isLocal && LOOPBACK_NAMES.has(host)) return;
  try {
    await assertPublicHost(host);
  } catch (error) {
    throw new AgentError('upload_refused', `The upload host is refused: ${error instanceof Error ? error.message : String(error)}.`);
  }
}
