/**
 * Job images are named by digest (name@sha256:...), never by a tag the registry owner can
 * move. The engine lists what it pulled under a "familiar" name (busybox@sha256:..., not
 * docker.io/library/busybox@sha256:...), so comparisons go through one normal form.
 */
import { ImageByDigestSchema } from '../../../shared/domain/job';

export interface DigestReference {
  /** Fully qualified repository: registry host first (docker.io when none was given). */
  repository: string;
  /** `sha256:<64 hex>`. */
  digest: string;
}

/** Splits `name@sha256:...`; null for anything not pinned by a sha256 digest. */
export function parseDigestReference(reference: string): DigestReference | null {
  if (!ImageByDigestSchema.safeParse(reference).success) return null;
  const at = reference.lastIndexOf('@');
  return { repository: normalizeRepository(reference.slice(0, at)), digest: reference.slice(at + 1) };
}

/** Docker's normalisation: no registry means Docker Hub, and a bare name there means library/. */
export function normalizeRepository(name: string): string {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  if (hasRegistry) return name;
  if (slash === -1) return `docker.io/library/${name}`;
  return `docker.io/${name}`;
}

/** True when one of the engine's RepoDigests is exactly the requested repository and digest. */
export function hasRepoDigest(repoDigests: readonly string[], wanted: DigestReference): boolean {
  return repoDigests.some((entry) => {
    const at = entry.lastIndexOf('@');
    if (at === -1) return false;
    return entry.slice(at + 1) === wanted.digest && normalizeRepository(entry.slice(0, at)) === wanted.repository;
  });
}
