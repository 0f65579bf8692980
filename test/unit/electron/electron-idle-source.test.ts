import { describe, expect, it } from 'vitest';
import { createElectronIdleSource } from '../../../electron/main/electron-idle-source';

describe('createElectronIdleSource', () => {
  it('reports powerMonitor.getSystemIdleTime() seconds', async () => {
    let seconds = 42;
    const source = createElectronIdleSource({ getSystemIdleTime: () => seconds }, {}, 'win32');
    expect(await source.read()).toEqual({ available: true, idleSeconds: 42, source: 'electron-powerMonitor' });
    seconds = 0;
    expect(await source.read()).toEqual({ available: true, idleSeconds: 0, source: 'electron-powerMonitor' });
  });

  it('names the Wayland caveat in the source', async () => {
    const source = createElectronIdleSource({ getSystemIdleTime: () => 3 }, { WAYLAND_DISPLAY: 'wayland-0' }, 'linux');
    const reading = await source.read();
    expect(reading.available && reading.source).toMatch(/Wayland/);
  });

  it('an invalid value or a throw reads as unavailable', async () => {
    expect((await createElectronIdleSource({ getSystemIdleTime: () => -1 }, {}, 'linux').read()).available).toBe(false);
    const throwing = createElectronIdleSource(
      {
        getSystemIdleTime: () => {
          throw new Error('not ready');
        },
      },
      {},
      'linux',
    );
    expect(await throwing.read()).toEqual({ available: false, reason: 'the system idle time cannot be read: not ready' });
  });
});
