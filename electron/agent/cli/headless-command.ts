import { AgentError } from '../../../shared/api/result';
import { startHeadlessServer } from '../headless/server';
import { rendererBuilt } from './cli-paths';
import { readJobSpec } from './run-job-command';
import { createNodeAgent } from './node-agent';

export async function runHeadless(options: { port: number; dataDir?: string; quickBench: boolean; runJob?: string }): Promise<number> {
  // Read the test job first: a bad spec is a usage error, before anything starts.
  const testJob = options.runJob === undefined ? null : readJobSpec(options.runJob);
  const { agent, logger, dataDir, staticDir } = createNodeAgent({
    dataDir: options.dataDir,
    quickBenchmarks: options.quickBench,
    logLevel: 'info',
  });
  if (!rendererBuilt(staticDir)) {
    throw new AgentError('renderer_missing', `The dashboard is not built (${staticDir}).`, 'Run: npm run build');
  }
  await agent.start({ longRunning: true });
  let server;
  try {
    server = await startHeadlessServer({ agent, staticDir, logger, port: options.port });
  } catch (error) {
    await agent.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new AgentError('port_in_use', `Port ${options.port} is already in use.`, 'Pick another with --port, or leave it out for a free one.');
    }
    throw error;
  }
  // performance.now() counts from process start: this is start-to-ready.
  const readyMs = Math.round(performance.now());
  process.stdout.write(
    `RigShift agent ready in ${readyMs} ms (data: ${dataDir})\nOpen the dashboard: ${server.url}\n`,
  );
  if (testJob) {
    await agent.settled();
    const gpu = agent.snapshot().detection?.gpus[0];
    const deviceId = testJob.resources.gpus > 0 ? gpu?.uuid : 'cpu';
    if (!deviceId) {
      process.stderr.write('rigshift: the test job needs a GPU and none was found; it was not started\n');
    } else {
      try {
        const { jobId, done } = await agent.startJob(testJob, deviceId);
        process.stdout.write(`Test job ${jobId} started: see the Jobs page\n`);
        void done.then((record) => process.stdout.write(`Test job ${jobId} ended: ${record.reason} (${record.message})\n`));
      } catch (error) {
        // The dashboard keeps running: the owner can read why on the console.
        process.stderr.write(`rigshift: the test job could not start: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write('rigshift: stopping…\n');
  await server.close();
  await agent.stop();
  return 0;
}
