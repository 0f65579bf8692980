import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIsolatedGraphicsInventory, isNvidiaAdapter, toGraphicsAdapters } from '../../../electron/agent/gpu/graphics-inventory';
import { GraphicsAdapterSchema } from '../../../shared/domain/gpu';

describe('toGraphicsAdapters', () => {
  it('maps systeminformation controllers, treating 0 VRAM as unknown', () => {
    const adapters = toGraphicsAdapters([
      { vendor: 'Intel Corporation', model: 'Raptor Lake-S GT1 [UHD Graphics 770]', vram: 0, busAddress: '00:02.0' },
      { vendor: 'NVIDIA Corporation', model: 'GA102 [GeForce RTX 3090]', vram: 24576, busAddress: '01:00.0' },
      { vendor: 'NVIDIA', model: '', name: 'NVIDIA GeForce RTX 4080 SUPER', vram: 16376, pciBus: '00000000:01:00.0' },
      { vendor: '', model: '' },
    ]);
    expect(adapters).toEqual([
      { vendor: 'Intel Corporation', model: 'Raptor Lake-S GT1 [UHD Graphics 770]', vramMiB: null, busAddress: '00:02.0' },
      { vendor: 'NVIDIA Corporation', model: 'GA102 [GeForce RTX 3090]', vramMiB: 24576, busAddress: '01:00.0' },
      { vendor: 'NVIDIA', model: 'NVIDIA GeForce RTX 4080 SUPER', vramMiB: 16376, busAddress: '00000000:01:00.0' },
    ]);
    expect(adapters.map(isNvidiaAdapter)).toEqual([false, true, true]);
  });
});

describe('createIsolatedGraphicsInventory (real systeminformation in a worker)', () => {
  it('answers with valid adapters (possibly none) without blocking the event loop', async () => {
    const inventory = createIsolatedGraphicsInventory({ timeoutMs: 15_000 });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const adapters = await inventory();
    clearInterval(ticker);
    for (const adapter of adapters) expect(GraphicsAdapterSchema.parse(adapter)).toEqual(adapter);
    expect(ticks).toBeGreaterThan(0);
  });

  it('gives up with [] when the module cannot be loaded', async () => {
    expect(await createIsolatedGraphicsInventory({ modulePath: '/nonexistent/systeminformation.js' })()).toEqual([]);
  });

  it('gives up with [] when graphics() blocks longer than the time limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rigshift-si-'));
    const modulePath = join(dir, 'blocking-si.cjs');
    // Mimics execSync hanging inside systeminformation: the worker's thread is stuck.
    writeFileSync(modulePath, 'exports.graphics = async () => { const end = Date.now() + 3000; while (Date.now() < end) {} return { controllers: [] }; };');
    const started = Date.now();
    expect(await createIsolatedGraphicsInventory({ modulePath, timeoutMs: 200 })()).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
