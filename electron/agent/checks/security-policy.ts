/**
 * The one versioned table of security floors (resources/security-policy.json). It ships
 * with the app and can be replaced without a code change when NVIDIA or Docker publish a
 * new bulletin; everything that gates GPU jobs on a version reads it from here.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AgentError } from '../../../shared/api/result';
import { compareVersions, isOlderThan, parseVersion } from './version';

const VersionString = z.string().refine((text) => parseVersion(text) !== null, 'must be a version like 1.17.8');

const CveSchema = z.object({
  id: z.string().regex(/^CVE-\d{4}-\d{4,}$/),
  component: z.enum(['nvidia-container-toolkit', 'docker-desktop']),
  summary: z.string().min(1),
  /** Every version below this one is affected. */
  fixedIn: VersionString,
  /** false: reported by secondary sources only; it warns instead of blocking. */
  confirmed: z.boolean(),
  source: z.string().url(),
});
export type Cve = z.infer<typeof CveSchema>;

export const SecurityPolicySchema = z
  .object({
    policyVersion: z.number().int().positive(),
    updated: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    notes: z.string().optional(),
    containerToolkit: z.object({
      /** Never accept anything older, whatever the CVE list says. */
      floorVersion: VersionString,
      /** What we ask owners to install. */
      minimumVersion: VersionString,
    }),
    dockerDesktop: z.object({
      minimumVersion: VersionString,
      /** Docker Desktop bundles the toolkit on Windows: "from this release on, at least that toolkit". */
      bundledToolkit: z.array(z.object({ fromDockerDesktop: VersionString, toolkit: VersionString })).min(1),
      source: z.string().url().optional(),
    }),
    cves: z.array(CveSchema).min(1),
  })
  .refine((policy) => compareVersions(policy.containerToolkit.minimumVersion, policy.containerToolkit.floorVersion) >= 0, {
    message: 'containerToolkit.minimumVersion must not be below floorVersion',
  });
export type SecurityPolicy = z.infer<typeof SecurityPolicySchema>;

export function parseSecurityPolicy(document: unknown): SecurityPolicy {
  const parsed = SecurityPolicySchema.safeParse(document);
  if (!parsed.success) {
    throw new AgentError(
      'security_policy_invalid',
      `The security policy table is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`,
      'Reinstall RigShift to restore resources/security-policy.json.',
    );
  }
  return parsed.data;
}

/** Reads and validates the policy file; throws AgentError when it is missing or invalid. */
export function loadSecurityPolicy(path: string): SecurityPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AgentError(
      'security_policy_missing',
      `The security policy table could not be read from ${path}: ${(error as Error).message}`,
      'Reinstall RigShift to restore resources/security-policy.json.',
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new AgentError(
      'security_policy_invalid',
      `The security policy table at ${path} is not valid JSON: ${(error as Error).message}`,
      'Reinstall RigShift to restore resources/security-policy.json.',
    );
  }
  return parseSecurityPolicy(document);
}

export const cvesAffecting = (policy: SecurityPolicy, component: Cve['component'], version: string): Cve[] =>
  policy.cves.filter((cve) => cve.component === component && isOlderThan(version, cve.fixedIn));

/**
 * The toolkit a Docker Desktop release bundles at least, or null when it predates every
 * entry of the table (older than the first release we know the toolkit of).
 */
export function bundledToolkitOf(policy: SecurityPolicy, dockerDesktopVersion: string): string | null {
  const known = [...policy.dockerDesktop.bundledToolkit].sort((a, b) =>
    compareVersions(a.fromDockerDesktop, b.fromDockerDesktop),
  );
  let toolkit: string | null = null;
  for (const entry of known) {
    if (compareVersions(dockerDesktopVersion, entry.fromDockerDesktop) >= 0) toolkit = entry.toolkit;
  }
  return toolkit;
}
