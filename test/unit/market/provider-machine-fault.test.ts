/**
 * Found by the fault harness (Docker engine restarted mid-job): the container's start
 * failed with "grpc: the client connection is closing: context canceled" and the agent gave
 * the non-preemptible job up ("It will be refunded to the requester after its run deadline
 * (your stake for it is at risk)"). A run that failed because the engine went away says
 * nothing about the job: it runs again a few times, after a pause, while it can still
 * finish before runBy. A job's own failure is still given up at once.
 */
import { describe, expect, it } from 'vitest';
import { isMachineFault } from '../../../electron/agent/market/machine-fault';
import { createHarness } from './provider-harness';

const ENGINE_GONE = { code: 'job_start_failed', message: "The job's image could not start: Could not start the container: grpc: the client connection is closing: context canceled" };

describe('market provider: a run the engine broke runs again', () => {
  it('runs the job again after the engine restarted, and settles it', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    await h.claim('1');
    h.runs[0]!.finish('failed', 0, ENGINE_GONE);
    await h.settle();
    expect(h.job('1')?.problem).toBeNull();
    expect(h.job('1')?.state).toBe('claimed');
    expect(h.runs).toHaveLength(1);
    await h.tick(); // too soon: the engine gets time to come back
    expect(h.runs).toHaveLength(1);
    h.advance(11);
    await h.tick();
    expect(h.runs).toHaveLength(2);
    h.runs[1]!.finish('completed');
    await h.settle();
    expect(h.job('1')?.state).toBe('submitted');
    expect(h.chain.sent.map((s) => s.kind)).toEqual(['claim', 'submit']);
  });

  it('gives up after a few machine faults, and at once on the job\'s own failure', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    await h.claim('1');
    for (let i = 0; i < 4; i += 1) {
      h.runs[i]!.finish('failed', 0, { code: 'job_wait_failed', message: 'Lost track of the job: socket hang up' });
      await h.settle();
      h.advance(60);
      await h.tick();
    }
    expect(h.runs).toHaveLength(4);
    expect(h.job('1')?.problem).toMatch(/not preemptible/);

    h.chain.post({ id: '2' });
    await h.claim('2');
    h.runs[4]!.finish('failed', 1000, { code: 'job_exit_nonzero', message: 'Exited with code 1 after 1 s.' });
    await h.settle();
    expect(h.job('2')?.problem).toMatch(/not preemptible/);
  });

  it('tells a machine fault from the job\'s own failure', () => {
    expect(isMachineFault({ reason: 'failed', error: ENGINE_GONE })).toBe(true);
    expect(isMachineFault({ reason: 'failed', error: { code: 'job_wait_failed', message: 'Lost track of the job: connect ECONNREFUSED' } })).toBe(true);
    expect(isMachineFault({ reason: 'failed', error: { code: 'job_start_failed', message: "The job's image could not start: exec /bin/nope: no such file" } })).toBe(false);
    expect(isMachineFault({ reason: 'failed', error: { code: 'job_exit_nonzero', message: 'Exited with code 1' } })).toBe(false);
    expect(isMachineFault({ reason: 'completed' })).toBe(false);
  });
});
