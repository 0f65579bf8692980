import type { EnvironmentCheck } from '../../../shared/domain/checks';
import type { EngineInfo } from '../ports';
import { failCheck, okCheck } from './check-result';
import { dockerUnreachableFix } from './fixes';

export type EngineProbe = { ok: true; engine: EngineInfo } | { ok: false; message: string };

export function dockerEngineCheck(probe: EngineProbe): EnvironmentCheck {
  if (!probe.ok) {
    return failCheck('docker-engine', 'Docker engine is not reachable', dockerUnreachableFix, probe.message);
  }
  const { engine } = probe;
  const where = [engine.operatingSystem, engine.platformName].filter((part) => part.trim() !== '').join(', ');
  if (engine.osType !== '' && engine.osType !== 'linux') {
    // Docker Desktop switched to Windows containers: our images and GPU path are Linux-only.
    return failCheck(
      'docker-engine',
      `Docker ${engine.serverVersion} runs ${engine.osType} containers; RigShift needs Linux containers`,
      {
        linux: dockerUnreachableFix.linux,
        windows: 'Right-click the Docker Desktop tray icon > "Switch to Linux containers...", or run: & "C:\\Program Files\\Docker\\Docker\\DockerCli.exe" -SwitchLinuxEngine',
      },
    );
  }
  return okCheck('docker-engine', `Docker ${engine.serverVersion} reachable${where ? ` (${where})` : ''}`);
}
