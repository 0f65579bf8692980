/**
 * The small slice of semver the policy needs: x.y.z with an optional pre-release
 * (`1.19.0-rc.1`) or Debian revision (`1.17.8-1`). Written here rather than pulling in
 * `semver` because tool banners are not strict semver (`v1.17.8`, `1.17.8~rc.1`).
 */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release tag; a version with one sorts before the same version without. */
  prerelease: string | null;
}

export function parseVersion(text: string): Version | null {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:([-~])([0-9A-Za-z.]+))?(?:\+[0-9A-Za-z.]+)?$/.exec(text.trim());
  if (!match) return null;
  const [, major = '0', minor = '0', patch = '0', separator, tag] = match;
  // `-1` after a full version is a package revision (1.17.8-1), not a pre-release.
  const prerelease = tag && !(separator === '-' && /^\d+$/.test(tag)) ? tag : null;
  return { major: Number(major), minor: Number(minor), patch: Number(patch), prerelease };
}

/** Negative when a < b, 0 when equal, positive when a > b. Throws on unparseable input. */
export function compareVersions(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (!left || !right) throw new Error(`cannot compare versions "${a}" and "${b}"`);
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (left[key] !== right[key]) return left[key] - right[key];
  }
  if (left.prerelease === right.prerelease) return 0;
  if (left.prerelease === null) return 1;
  if (right.prerelease === null) return -1;
  return left.prerelease < right.prerelease ? -1 : 1;
}

export const isOlderThan = (version: string, than: string): boolean => compareVersions(version, than) < 0;
