import { describe, expect, it } from 'vitest';
import { createNodeCommandRunner } from '../../../electron/agent/node-adapters/command-runner';

// These spawn the real Node binary: the adapter's job is exactly the child-process edge cases.
const node = process.execPath;

describe('createNodeCommandRunner().run()', () => {
  const runner = createNodeCommandRunner();

  it('returns exit code, stdout and stderr', async () => {
    const result = await runner.run(node, ['-e', 'process.stdout.write("out\\n"); process.stderr.write("err"); process.exit(3)']);
    expect(result).toEqual({ kind: 'exited', code: 3, stdout: 'out\n', stderr: 'err' });
  });

  it('passes arguments verbatim, without a shell', async () => {
    const tricky = ['$(whoami)', '; rm -rf /', '"quoted"', 'a b'];
    const result = await runner.run(node, ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...tricky]);
    expect(result.kind === 'exited' && JSON.parse(result.stdout)).toEqual(tricky);
  });

  it('reports a missing binary as missing', async () => {
    expect(await runner.run('rigshift-no-such-binary-3f9a', ['--version'])).toEqual({ kind: 'missing' });
  });

  it('kills the child on timeout', async () => {
    const started = Date.now();
    const result = await runner.run(node, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 300 });
    expect(result).toEqual({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops a child that floods its output', async () => {
    const small = createNodeCommandRunner({ maxOutputBytes: 10_000 });
    const result = await small.run(node, ['-e', 'const s = "x".repeat(65536); for (;;) process.stdout.write(s)'], { timeoutMs: 10_000 });
    expect(result.kind).toBe('error');
    expect(result.kind === 'error' && result.message).toMatch(/more than 10000 bytes to stdout/);
  });
});

describe('createNodeCommandRunner().stream()', () => {
  it('delivers stdout line by line (CRLF too) until stopped', async () => {
    const runner = createNodeCommandRunner();
    const lines: string[] = [];
    const script = 'let i = 0; const t = setInterval(() => { process.stdout.write(`line ${i++}\\r\\n`); }, 20);';
    const handle = runner.stream(node, ['-e', script], (line) => lines.push(line));
    await waitFor(() => lines.length >= 3);
    handle.stop();
    const count = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(lines.length).toBe(count);
    expect(lines.slice(0, 3)).toEqual(['line 0', 'line 1', 'line 2']);
  });

  it('produces no lines and does not throw for a missing binary', async () => {
    const lines: string[] = [];
    const handle = createNodeCommandRunner().stream('rigshift-no-such-binary-3f9a', [], (line) => lines.push(line));
    await new Promise((resolve) => setTimeout(resolve, 100));
    handle.stop();
    expect(lines).toEqual([]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
