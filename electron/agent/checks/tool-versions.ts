/**
 * Pure parsers for the version banners of the container tooling (real captures in
 * test/fixtures/toolkit).
 */
import { parseVersion } from './version';

const versionOrNull = (text: string | undefined): string | null => (text && parseVersion(text) ? text : null);

/** `NVIDIA Container Toolkit CLI version 1.17.8` + `commit: ...` */
export function parseNvidiaCtkVersion(stdout: string): string | null {
  return versionOrNull(/NVIDIA Container Toolkit CLI version\s+(\S+)/i.exec(stdout)?.[1]);
}

/** `cli-version: 1.17.5` (1.4+); libnvidia-container 1.0-1.3 printed `version: 1.3.0`. */
export function parseNvidiaContainerCliVersion(stdout: string): string | null {
  const match = /^\s*cli-version:\s*(\S+)/im.exec(stdout) ?? /^\s*version:\s*(\S+)/im.exec(stdout);
  return versionOrNull(match?.[1]);
}

/** `GET /version` Platform.Name, e.g. `Docker Desktop 4.44.3 (202357)`; null on plain engines. */
export function parseDockerDesktopVersion(platformName: string): string | null {
  return versionOrNull(/Docker Desktop\s+(\d+\.\d+\.\d+)/i.exec(platformName)?.[1]);
}
