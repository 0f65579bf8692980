import type { EnvironmentCheck } from '../../../shared/domain/checks';
import type { GpuDetection } from '../../../shared/domain/gpu';
import { createNodeAgent } from './node-agent';

const LIGHT: Record<EnvironmentCheck['state'], string> = { ok: 'OK  ', warn: 'WARN', fail: 'FAIL', info: 'INFO' };

export function formatDetection(detection: GpuDetection): string {
  const lines: string[] = [];
  if (detection.gpus.length === 0) {
    lines.push('No NVIDIA GPU found. RigShift rents this PC\'s CPU instead: CPU jobs and the CPU benchmark run; GPU jobs need an NVIDIA card.');
  }
  for (const gpu of detection.gpus) {
    const vram = gpu.vramMiB === null ? '?' : `${(gpu.vramMiB / 1024).toFixed(1)} GiB`;
    const pcie = gpu.pcie.genCurrent === null ? '' : `, PCIe ${gpu.pcie.genCurrent}.0 x${gpu.pcie.widthCurrent ?? '?'}`;
    lines.push(`GPU ${gpu.index}: ${gpu.name} (${vram}, driver ${gpu.driverVersion ?? '?'}${pcie}) ${gpu.uuid}`);
  }
  for (const adapter of detection.adapters) {
    lines.push(`Adapter: ${adapter.vendor} ${adapter.model}`.trimEnd());
  }
  return lines.join('\n');
}

export function formatChecks(checks: EnvironmentCheck[], platform: NodeJS.Platform): string {
  return checks
    .map((check) => {
      const text = check.fix ? (platform === 'win32' ? check.fix.windows : check.fix.linux) : '';
      const fix = text ? `\n${text.split('\n').map((line) => `         ${line}`).join('\n')}` : '';
      return `  [${LIGHT[check.state]}] ${check.title}: ${check.summary}${fix}`;
    })
    .join('\n');
}

export async function runDetect(options: { json: boolean }): Promise<number> {
  const { agent } = createNodeAgent({});
  await agent.start();
  await agent.settled();
  const { detection, checks } = agent.snapshot();
  if (!detection || !checks) throw new Error('hardware detection did not finish');
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ detection, checks }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatDetection(detection)}\n\nMachine checklist:\n${formatChecks(checks.checks, process.platform)}\n`);
  }
  await agent.stop();
  return 0;
}
