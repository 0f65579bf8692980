/**
 * `rigshift run-job <spec.json>`: runs one job spec on this machine through the very
 * runner the agent uses (same checks, same hardened container, same record), for the
 * owner's own test and for our test harness. Progress and the job's log lines go to
 * stderr, the record to stdout; exit code 0 only for a completed job. Ctrl-C cancels the
 * job and removes its container and workspace before exiting.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentError } from '../../../shared/api/result';
import type { JobProgress, JobRecord, JobSpec } from '../../../shared/domain/job';
import { validateJobSpec } from '../../../shared/domain/job-spec-validation';
import { systemClock } from '../compose';
import { loadSecurityPolicy } from '../checks/security-policy';
import { runEnvironmentChecks } from '../checks/environment-checks';
import { createGpuProbe } from '../gpu/gpu-probe';
import { cleanupStaleWorkspaces, type JobDevice } from '../jobs/job-runner';
import { createNodeJobRunner, ownerRegistryPolicy } from '../jobs/node-job-runner';
import { createNodeCommandRunner } from '../node-adapters/command-runner';
import { createConfSettingsStore } from '../node-adapters/conf-settings-store';
import { createConsoleLogger, type LogLevel } from '../node-adapters/console-logger';
import { escapeUntrusted as shown } from '../../../shared/domain/untrusted-text';
import { prepareDataDir } from '../node-adapters/data-dir';
import type { ContainerRuntime, Logger } from '../ports';
import { createSettingsService } from '../settings/settings-service';
import { cliPaths } from './cli-paths';
import { formatElapsed } from './progress-bar';

export interface RunJobOptions {
  specPath: string;
  json: boolean;
  dataDir?: string;
  runtime?: 'runc' | 'runsc';
}

/** Reads and validates the spec file; throws one line saying why it cannot run. */
export function readJobSpec(path: string): JobSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AgentError('spec_unreadable', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AgentError('spec_invalid', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  const checked = validateJobSpec(raw, { registryPolicy: ownerRegistryPolicy() });
  if (!checked.ok) throw new AgentError('spec_invalid', `the job spec is not valid: ${checked.reasons.join('; ')}`);
  return checked.spec;
}

/**
 * The human summary. Names, messages, the image and output names come from the job's
 * author: every control, bidi and zero-width character in them is written out
 * (untrusted-text.ts), so a name cannot clear the screen or print fake coloured lines.
 */
export function formatJobRecord(record: JobRecord): string {
  const lines = [
    `Job ${record.reason}: ${shown(record.name)} (${shown(record.id)})`,
    `  ${shown(record.message)}`,
    `  image ${shown(record.image)}`,
    `  device ${shown(record.deviceId)}, runtime ${shown(record.runtime ?? 'none')}, network ${record.network}, exit code ${record.exitCode ?? '-'}`,
  ];
  for (const output of record.outputs) lines.push(`  output ${shown(output.name)}  ${output.sizeBytes} bytes  sha256 ${shown(output.sha256)}`);
  if (record.logs.bytesDropped) lines.push(`  log: ${record.logs.bytesKept} bytes kept, ${record.logs.bytesDropped} dropped (over the caps)`);
  return lines.join('\n');
}

/** A line the job printed, as shown on the owner's terminal: tabs kept, every other control written out. */
export const jobLogLine = (text: string): string => `job| ${text.split('\t').map(shown).join('\t')}`;

/**
 * Progress on stderr: redrawn in place on a terminal (log lines print above it), one line
 * per state change otherwise, so logs and CI stay readable.
 */
function createJobProgressPrinter(stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let last: JobProgress | null = null;
  let drawn = false;
  const render = (p: JobProgress) =>
    `${p.state.padEnd(10)} ${p.fraction === null ? '' : `${String(Math.round(p.fraction * 100)).padStart(3)}%  `}${shown(p.label)}  ${formatElapsed(Date.now() - started)}`;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[K');
    drawn = false;
  };
  return {
    update(p: JobProgress) {
      const changed = p.state !== last?.state;
      last = p;
      if (stream.isTTY) {
        clear();
        stream.write(render(p));
        drawn = true;
      } else if (changed) stream.write(`${render(p)}\n`);
    },
    log(line: string) {
      clear();
      stream.write(`${line}\n`);
      if (stream.isTTY && last && last.state !== 'finished') {
        stream.write(render(last));
        drawn = true;
      }
    },
    finish: clear,
  };
}

/** The device a spec runs on here: the CPU, or the first GPU the checks allow jobs on. */
async function chooseDevice(spec: JobSpec, docker: ContainerRuntime, logger: Logger): Promise<JobDevice> {
  if (spec.resources.gpus === 0) return { kind: 'cpu' };
  const commands = createNodeCommandRunner();
  const detection = await createGpuProbe({ commands, platform: process.platform, clock: systemClock }).detect();
  const gpu = detection.gpus.find((g) => g.vramMiB === null || g.vramMiB >= spec.resources.minVramMiB) ?? detection.gpus[0];
  // No GPU: the runner refuses the job with its usual record ("needs a GPU").
  if (!gpu) return { kind: 'cpu' };
  const policy = loadSecurityPolicy(join(cliPaths().resourcesDir, 'security-policy.json'));
  const checks = await runEnvironmentChecks({ commands, docker, detection, platform: process.platform, policy });
  if (!checks.gpuJobsAllowed) {
    const red = checks.checks.filter((c) => c.state === 'fail').map((c) => c.title);
    logger.warn('run-job: GPU jobs are not allowed here', { failing: red });
    throw new AgentError(
      'gpu_jobs_not_allowed',
      `GPU jobs are refused on this machine (${red.join(', ') || 'a required check failed'}).`,
      'Run rigshift detect for the fix.',
    );
  }
  return { kind: 'gpu', gpu };
}

export async function runJobCommand(options: RunJobOptions): Promise<number> {
  const spec = readJobSpec(options.specPath);
  const dataDir = prepareDataDir(options.dataDir);
  const logger = createConsoleLogger((process.env.RIGSHIFT_LOG as LogLevel | undefined) ?? 'warn');
  const { runner, docker } = createNodeJobRunner({ dataDir, logger });
  const engine = await docker.info();
  if (options.runtime === 'runsc' && !engine.runtimes.includes('runsc')) {
    throw new AgentError('runtime_missing', 'the runsc runtime (gVisor) is not registered with this Docker engine.', 'Install gVisor and register runsc in /etc/docker/daemon.json, or pass --runtime runc.');
  }
  const preferGvisor =
    options.runtime !== undefined
      ? options.runtime === 'runsc'
      : createSettingsService(createConfSettingsStore(dataDir, logger), logger).get().sandbox.preferGvisor;
  // Leftovers of earlier runs whose process is gone (a kill, a crash); live ones are kept.
  for (const jobId of cleanupStaleWorkspaces(dataDir, [])) logger.info('run-job: removed a stale workspace', { jobId });
  const device = await chooseDevice(spec, docker, logger);

  const printer = createJobProgressPrinter();
  const abort = new AbortController();
  const cancel = () => {
    if (!abort.signal.aborted) process.stderr.write('\nrigshift: cancelling the job...\n');
    abort.abort();
  };
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  let record: JobRecord;
  try {
    record = await runner.run({
      jobId: `cli-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
      spec,
      device,
      engine,
      preferGvisor,
      // Egress needs the owner's permission and an egress network; a local test run has neither.
      allowEgress: false,
      signal: abort.signal,
      onProgress: (p) => printer.update(p),
      onLog: ({ lines }) => lines.forEach((l) => printer.log(jobLogLine(l.text))),
    });
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    printer.finish();
  }
  process.stdout.write(options.json ? `${JSON.stringify(record, null, 2)}\n` : `${formatJobRecord(record)}\n`);
  if (record.reason !== 'completed') {
    process.stderr.write(`rigshift: job ${record.reason}: ${shown(record.message)}\n`);
    return 1;
  }
  return 0;
}
