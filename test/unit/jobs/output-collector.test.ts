import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectOutputs, measureOutputs } from '../../../electron/agent/jobs/output-collector';
import { tempDir } from '../../helpers/temp-dir';

const sha = (data: string) => createHash('sha256').update(data).digest('hex');
const limits = { maxTotalBytes: 1024 * 1024, maxFiles: 10 };

describe('output collector', () => {
  let dir: ReturnType<typeof tempDir>;
  let out: string;
  let results: string;
  beforeEach(() => {
    dir = tempDir();
    out = join(dir.path, 'out');
    results = join(dir.path, 'results');
    mkdirSync(out);
  });
  afterEach(() => dir.cleanup());

  it('copies regular files into results with their sizes and sha256', async () => {
    writeFileSync(join(out, 'a.txt'), 'hello\n');
    writeFileSync(join(out, 'b.bin'), 'world');
    const result = await collectOutputs(out, results, limits);
    expect(result).toEqual({
      ok: true,
      skipped: [],
      files: [
        { name: 'a.txt', sizeBytes: 6, sha256: sha('hello\n') },
        { name: 'b.bin', sizeBytes: 5, sha256: sha('world') },
      ],
    });
    expect(readFileSync(join(results, 'a.txt'), 'utf8')).toBe('hello\n');
    expect(statSync(join(results, 'a.txt')).mode & 0o777).toBe(0o600);
  });

  it('skips and reports symlinks (never following them), fifos, folders and bad names', async () => {
    const secret = join(dir.path, 'secret');
    writeFileSync(secret, 'host secret');
    symlinkSync(secret, join(out, 'link'));
    execFileSync('mkfifo', [join(out, 'pipe')]);
    mkdirSync(join(out, 'sub'));
    writeFileSync(join(out, '.hidden'), 'x');
    writeFileSync(join(out, 'ok.txt'), 'fine');
    const result = await collectOutputs(out, results, limits);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.files.map((f) => f.name)).toEqual(['ok.txt']);
    expect(result.skipped).toEqual(
      expect.arrayContaining([
        { name: 'link', why: 'a symbolic link' },
        { name: 'pipe', why: 'a fifo' },
        { name: 'sub', why: 'a folder' },
        { name: '.hidden', why: 'the name is not allowed' },
      ]),
    );
    expect(existsSync(join(results, 'link'))).toBe(false);
  });

  it('skips outputs named like Windows devices (they would open the device on a Windows rig)', async () => {
    for (const name of ['COM1', 'nul.txt', 'Aux.log.', 'ok.txt']) writeFileSync(join(out, name), 'x');
    const result = await collectOutputs(out, results, limits);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.files.map((f) => f.name)).toEqual(['ok.txt']);
    expect(result.skipped).toEqual(
      expect.arrayContaining(['COM1', 'nul.txt', 'Aux.log.'].map((name) => ({ name, why: 'the name is not allowed' }))),
    );
  });

  it('refuses more files than allowed', async () => {
    for (let i = 0; i < 4; i += 1) writeFileSync(join(out, `f${i}`), 'x');
    const result = await collectOutputs(out, results, { ...limits, maxFiles: 3 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/more than the output limit/);
  });

  it('refuses more bytes than allowed and keeps no partial copy', async () => {
    writeFileSync(join(out, 'a'), 'x'.repeat(600));
    writeFileSync(join(out, 'b'), 'y'.repeat(600));
    const result = await collectOutputs(out, results, { maxFiles: 10, maxTotalBytes: 1000 });
    expect(result.ok).toBe(false);
    expect(existsSync(join(results, 'b'))).toBe(false);
  });

  it('measures everything under out/, folders included, without following links', async () => {
    mkdirSync(join(out, 'deep'));
    writeFileSync(join(out, 'deep', 'big'), 'z'.repeat(5000));
    writeFileSync(join(out, 'top'), 'z'.repeat(100));
    symlinkSync('/etc/passwd', join(out, 'link'));
    expect(await measureOutputs(out, 100)).toEqual({ bytes: 5100, entries: 4 });
  });

  it('stops measuring once past the entry limit', async () => {
    for (let i = 0; i < 50; i += 1) writeFileSync(join(out, `f${i}`), '');
    const usage = await measureOutputs(out, 5);
    expect(usage.entries).toBe(6);
  });
});
