/**
 * Tests that need a real outside part (Docker engine, Chromium, the built images) start
 * or find it themselves. Outside CI a missing part skips the test with a loud reason;
 * under CI=true it is a failure, so CI can never go green without really running them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const inCi = process.env.CI === 'true' || process.env.CI === '1';

export interface Requirement {
  ok: boolean;
  reason: string;
}

function loud(reason: string): void {
  process.stderr.write(`\n*** SKIPPING: ${reason} ***\n\n`);
}

/**
 * Returns true when the requirement is met. Otherwise: under CI throws (the suite fails),
 * elsewhere prints the reason loudly and returns false so the caller can `describe.skipIf`.
 */
export function need(requirement: Requirement): boolean {
  if (requirement.ok) return true;
  if (inCi) throw new Error(`CI requires this but it is missing: ${requirement.reason}`);
  loud(requirement.reason);
  return false;
}

export function dockerEngine(): Requirement {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 10_000 });
    return { ok: true, reason: '' };
  } catch {
    return {
      ok: false,
      reason: 'no Docker engine answers (start one with: sudo .ci/start-dockerd.sh)',
    };
  }
}

export function chromium(): Requirement {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return existsSync(path)
    ? { ok: true, reason: '' }
    : { ok: false, reason: `Chromium not found at ${path} (apt-get install chromium)` };
}

export function fileExists(path: string, howToMake: string): Requirement {
  return existsSync(path) ? { ok: true, reason: '' } : { ok: false, reason: `${path} is missing (${howToMake})` };
}

/** Xvfb, xprop and xdpyinfo (Debian: xvfb, x11-utils) and libX11, for the X11 full-screen tests. */
export function xvfb(): Requirement {
  const missing = ['Xvfb', 'xprop', 'xdpyinfo'].find((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'pipe' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing) return { ok: false, reason: `${missing} is not installed (apt-get install xvfb x11-utils)` };
  const libX11 = ['/usr/lib/x86_64-linux-gnu/libX11.so.6', '/usr/lib/aarch64-linux-gnu/libX11.so.6', '/usr/lib64/libX11.so.6'];
  return libX11.some(existsSync) ? { ok: true, reason: '' } : { ok: false, reason: 'libX11.so.6 is missing (apt-get install libx11-6)' };
}

const WINE_PATHS = ['/usr/lib/wine/wine64', '/usr/bin/wine64', '/usr/bin/wine', '/usr/lib/wine/wine'];

/** Wine (Debian's wine64) and Xvfb, to run the Windows presence code (test/windows/). */
export function wine(): Requirement {
  if (!WINE_PATHS.some((path) => existsSync(path))) {
    return { ok: false, reason: 'Wine is not installed (apt-get install wine64), so the Windows presence code cannot run' };
  }
  return existsSync('/usr/bin/Xvfb')
    ? { ok: true, reason: '' }
    : { ok: false, reason: 'Xvfb is not installed (apt-get install xvfb), so Wine has no display' };
}
