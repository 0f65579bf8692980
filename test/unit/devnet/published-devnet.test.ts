/**
 * The per-user place where `rigshift devnet` publishes its deployment for agents with any
 * data dir: chosen from the environment, and trusted only when this user owns it and nobody
 * else may write there (another local user must not redirect our agent to their chain).
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ownPublishedDir, publishedDevnetDir } from '../../../electron/agent/devnet/deployment-file';
import { tempDir } from '../../helpers/temp-dir';

describe('published devnet folder', () => {
  const dir = tempDir('rigshift-published-');
  afterAll(() => dir.cleanup());

  it('is $RIGSHIFT_RUNTIME_DIR, else $XDG_RUNTIME_DIR/rigshift, else a per-uid folder in tmp', () => {
    expect(publishedDevnetDir({ RIGSHIFT_RUNTIME_DIR: '/r' })).toBe(join('/r', 'devnet'));
    expect(publishedDevnetDir({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe(join('/run/user/1000', 'rigshift', 'devnet'));
    expect(publishedDevnetDir({})).toMatch(/rigshift-[\w]+[/\\]devnet$/);
  });

  it.skipIf(process.platform === 'win32')('is created 0700, and refused when others may write to it', () => {
    const ours = join(dir.path, 'ours', 'devnet');
    expect(ownPublishedDir(ours, true)).toBe(ours);
    const open = join(dir.path, 'open', 'devnet');
    mkdirSync(open, { recursive: true });
    chmodSync(open, 0o777);
    expect(ownPublishedDir(open, false)).toBeNull();
    expect(ownPublishedDir(join(dir.path, 'missing', 'devnet'), false)).toBeNull();
  });
});
