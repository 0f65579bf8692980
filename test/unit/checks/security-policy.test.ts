import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bundledToolkitOf,
  cvesAffecting,
  loadSecurityPolicy,
  parseSecurityPolicy,
} from '../../../electron/agent/checks/security-policy';
import { compareVersions, parseVersion } from '../../../electron/agent/checks/version';
import { AgentError } from '../../../shared/api/result';

const POLICY_PATH = join(__dirname, '../../../resources/security-policy.json');
const policy = loadSecurityPolicy(POLICY_PATH);

describe('compareVersions', () => {
  it('orders numerically, not lexically', () => {
    expect(compareVersions('1.17.10', '1.17.8')).toBeGreaterThan(0);
    expect(compareVersions('1.9.0', '1.17.0')).toBeLessThan(0);
    expect(compareVersions('4.44.3', '4.44.3')).toBe(0);
  });

  it('sorts pre-releases before the release and ignores Debian revisions', () => {
    expect(compareVersions('1.19.0-rc.1', '1.19.0')).toBeLessThan(0);
    expect(compareVersions('1.17.8-1', '1.17.8')).toBe(0);
    expect(compareVersions('v1.17.8', '1.17.8')).toBe(0);
    expect(parseVersion('1.17.8~rc.1')?.prerelease).toBe('rc.1');
  });

  it('rejects non-versions', () => {
    expect(parseVersion('latest')).toBeNull();
    expect(() => compareVersions('latest', '1.0.0')).toThrow();
  });
});

describe('resources/security-policy.json', () => {
  it('is a valid, dated, versioned policy with the sandbox.md floors', () => {
    expect(policy.policyVersion).toBe(1);
    expect(policy.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(policy.containerToolkit).toEqual({ floorVersion: '1.17.8', minimumVersion: '1.19.1' });
    expect(policy.dockerDesktop.minimumVersion).toBe('4.44.3');
  });

  it('lists the toolkit CVEs with their fixed versions', () => {
    const fixedIn = Object.fromEntries(policy.cves.map((cve) => [cve.id, cve.fixedIn]));
    expect(fixedIn).toMatchObject({
      'CVE-2024-0132': '1.16.2',
      'CVE-2025-23359': '1.17.4',
      'CVE-2025-23266': '1.17.8',
      'CVE-2025-23267': '1.17.8',
      'CVE-2026-24260': '1.19.1',
      'CVE-2025-9074': '4.44.3',
    });
  });

  it('says which CVEs affect a toolkit version', () => {
    const ids = (version: string) => cvesAffecting(policy, 'nvidia-container-toolkit', version).map((cve) => cve.id);
    expect(ids('1.17.3')).toEqual(['CVE-2025-23359', 'CVE-2025-23266', 'CVE-2025-23267', 'CVE-2026-24260']);
    expect(ids('1.17.7')).toEqual(['CVE-2025-23266', 'CVE-2025-23267', 'CVE-2026-24260']);
    expect(ids('1.17.8')).toEqual(['CVE-2026-24260']);
    expect(ids('1.19.1')).toEqual([]);
  });

  it('maps Docker Desktop releases to the toolkit they bundle', () => {
    expect(bundledToolkitOf(policy, '4.34.2')).toBeNull();
    expect(bundledToolkitOf(policy, '4.34.3')).toBe('1.16.2');
    expect(bundledToolkitOf(policy, '4.42.1')).toBe('1.16.2');
    expect(bundledToolkitOf(policy, '4.43.0')).toBe('1.17.8');
    expect(bundledToolkitOf(policy, '4.45.0')).toBe('1.17.8');
  });
});

describe('loadSecurityPolicy / parseSecurityPolicy', () => {
  it('refuses a policy whose minimum is below the floor', () => {
    const lowered = { ...policy, containerToolkit: { floorVersion: '1.17.8', minimumVersion: '1.17.4' } };
    expect(() => parseSecurityPolicy(lowered)).toThrow(/minimumVersion must not be below floorVersion/);
  });

  it('refuses malformed entries with an AgentError naming the field', () => {
    const broken = { ...policy, cves: [{ ...policy.cves[0], fixedIn: 'soon' }] };
    try {
      parseSecurityPolicy(broken);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(AgentError);
      expect((error as AgentError).message).toMatch(/cves\.0\.fixedIn/);
    }
  });

  it('reports a missing or non-JSON file clearly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rigshift-policy-'));
    expect(() => loadSecurityPolicy(join(dir, 'absent.json'))).toThrow(/could not be read/);
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    expect(() => loadSecurityPolicy(join(dir, 'bad.json'))).toThrow(/not valid JSON/);
  });
});
