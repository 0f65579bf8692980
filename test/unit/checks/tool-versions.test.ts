import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseDockerDesktopVersion,
  parseNvidiaContainerCliVersion,
  parseNvidiaCtkVersion,
} from '../../../electron/agent/checks/tool-versions';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/toolkit', name), 'utf8');

describe('tool version banners', () => {
  it('reads nvidia-ctk --version', () => {
    for (const version of ['1.12.0', '1.17.3', '1.17.4', '1.17.7', '1.17.8', '1.19.0', '1.19.1']) {
      expect(parseNvidiaCtkVersion(fixture(`nvidia-ctk__${version}.txt`))).toBe(version);
    }
    expect(parseNvidiaCtkVersion('nvidia-ctk: command not found')).toBeNull();
  });

  it('reads nvidia-container-cli --version, new and old format', () => {
    expect(parseNvidiaContainerCliVersion(fixture('nvidia-container-cli__1.17.5.txt'))).toBe('1.17.5');
    expect(parseNvidiaContainerCliVersion(fixture('nvidia-container-cli__1.16.1.txt'))).toBe('1.16.1');
    expect(parseNvidiaContainerCliVersion(fixture('nvidia-container-cli__1.3.0.txt'))).toBe('1.3.0');
    expect(parseNvidiaContainerCliVersion('garbage')).toBeNull();
  });

  it('reads the Docker Desktop version from Platform.Name', () => {
    expect(parseDockerDesktopVersion('Docker Desktop 4.44.3 (202357)')).toBe('4.44.3');
    expect(parseDockerDesktopVersion('Docker Engine - Community')).toBeNull();
    expect(parseDockerDesktopVersion('')).toBeNull();
  });
});
