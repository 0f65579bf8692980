/**
 * The requester's result endpoint, on loopback: a provider PUTs the tar of a job's outputs
 * to the URL in the job document (`/upload/<token>`, one random token per job). The
 * requester hashes every file and computes the outputs digest the provider must commit to
 * on chain (shared/domain/market-job.ts); the upload's fate is decided when JobSubmitted
 * arrives (demo-requester.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JobOutputFile } from '../../../shared/domain/job';
import { outputsDigest } from '../../../shared/domain/market-job';
import type { Logger } from '../ports';
import { readTarFiles } from './tar-reader';

export interface ReceivedUpload {
  token: string;
  files: JobOutputFile[];
  digest: `0x${string}`;
  bytes: number;
  receivedAt: Date;
}

export interface UploadServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** A fresh upload URL for one job. */
  newUploadUrl(): { token: string; url: string };
  upload(token: string): ReceivedUpload | null;
  onUpload(listener: (upload: ReceivedUpload) => void): () => void;
  close(): Promise<void>;
}

/** 64 MiB: the demo jobs produce a few hundred kB; anything near this is not ours. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    request.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        reject(new Error(`upload larger than ${limit} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function manifestOf(archive: Buffer): JobOutputFile[] {
  return readTarFiles(archive).map((file) => ({
    name: file.name,
    sizeBytes: file.data.length,
    sha256: createHash('sha256').update(file.data).digest('hex'),
  }));
}

export async function startUploadServer(options: { logger: Logger; port?: number; maxBytes?: number }): Promise<UploadServer> {
  const expected = new Set<string>();
  const uploads = new Map<string, ReceivedUpload>();
  const listeners = new Set<(upload: ReceivedUpload) => void>();
  const limit = options.maxBytes ?? MAX_UPLOAD_BYTES;

  const server: Server = createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const match = /^\/upload\/([a-f0-9]{32})$/.exec(request.url ?? '');
    if (!match) return reply(404, { error: 'unknown path' });
    const token = match[1]!;
    if (request.method !== 'PUT') return reply(405, { error: 'use PUT' });
    if (!expected.has(token)) return reply(404, { error: 'no job expects this upload' });
    readBody(request, limit).then(
      (archive) => {
        let files: JobOutputFile[];
        try {
          files = manifestOf(archive);
        } catch (error) {
          options.logger.warn('upload refused: not a tar archive', { token, error: (error as Error).message });
          return reply(400, { error: `not a tar archive: ${(error as Error).message}` });
        }
        const upload: ReceivedUpload = { token, files, digest: outputsDigest(files), bytes: archive.length, receivedAt: new Date() };
        // A provider may retry an upload: the latest one counts.
        uploads.set(token, upload);
        options.logger.info('results uploaded', { token, files: files.length, bytes: archive.length, digest: upload.digest });
        for (const listener of listeners) listener(upload);
        reply(201, { digest: upload.digest, files: files.length });
      },
      (error: Error) => reply(413, { error: error.message }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    newUploadUrl() {
      const token = randomBytes(16).toString('hex');
      expected.add(token);
      return { token, url: `${origin}/upload/${token}` };
    },
    upload: (token) => uploads.get(token) ?? null,
    onUpload(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
