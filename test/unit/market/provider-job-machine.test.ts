/**
 * The provider job's state machine as a table: the derived state sets are what the rest of
 * the app used to write out by hand, every state is reachable from `seen`, every active
 * state can end, and nothing leaves a terminal state.
 */
import { describe, expect, it } from 'vitest';
import { ACTIVE_PROVIDER_STATES, ProviderJobStateSchema } from '../../../shared/domain/market';
import {
  ACTIVE_PROVIDER_STATE_SET,
  BUSY_PROVIDER_STATE_SET,
  DEVICE_HOLDING_STATE_SET,
  PROVIDER_JOB_STATES,
  TERMINAL_PROVIDER_STATES,
  isBusy,
  isTerminal,
  transitionFor,
  transitionRows,
} from '../../../shared/domain/provider-job-machine';

const sorted = (s: Iterable<string>) => [...s].sort();

describe('provider job machine', () => {
  it('covers exactly the states of the API contract', () => {
    expect(sorted(PROVIDER_JOB_STATES)).toEqual(sorted(ProviderJobStateSchema.options));
  });

  it('derives terminal, active, busy and device-holding states from the table', () => {
    expect(sorted(TERMINAL_PROVIDER_STATES)).toEqual(sorted(['settled', 'released', 'refunded', 'failed-to-claim', 'lost-to-other']));
    expect(sorted(ACTIVE_PROVIDER_STATE_SET)).toEqual(sorted(['claiming', 'claimed', 'running', 'uploading', 'submitted']));
    expect(sorted(ACTIVE_PROVIDER_STATES)).toEqual(sorted(ACTIVE_PROVIDER_STATE_SET));
    expect(sorted(BUSY_PROVIDER_STATE_SET)).toEqual(sorted(['claiming', 'claimed', 'running', 'uploading']));
    expect(sorted(DEVICE_HOLDING_STATE_SET)).toEqual(sorted(['claiming', 'claimed', 'running']));
    expect(isBusy('submitted')).toBe(false);
    expect(isTerminal('settled')).toBe(true);
  });

  it('reaches every state from seen, and every active state can reach a terminal one', () => {
    const from = (start: string) => {
      const seen = new Set([start]);
      const queue = [start];
      while (queue.length) {
        const state = queue.shift();
        for (const r of transitionRows().filter((x) => x.from === state)) {
          if (!seen.has(r.to)) {
            seen.add(r.to);
            queue.push(r.to);
          }
        }
      }
      return seen;
    };
    expect(sorted(from('seen'))).toEqual(sorted(PROVIDER_JOB_STATES));
    for (const s of ACTIVE_PROVIDER_STATE_SET) expect([...from(s)].some((x) => TERMINAL_PROVIDER_STATES.has(x as never))).toBe(true);
  });

  it('never leaves a terminal state and never goes back from submitted to an earlier step', () => {
    for (const row of transitionRows()) expect(TERMINAL_PROVIDER_STATES.has(row.from)).toBe(false);
    expect(transitionFor('submitted', 'run-completed')).toBeNull();
    expect(transitionFor('submitted', 'claim-confirmed')).toBeNull();
    expect(transitionFor('settled', 'refunded')).toBeNull();
  });

  it('names the effect of each step and starts the retention clock on every end', () => {
    expect(transitionFor('seen', 'claim')?.effects).toEqual(['send-claim']);
    expect(transitionFor('claiming', 'claim-confirmed')?.effects).toEqual(['start-run']);
    expect(transitionFor('running', 'run-completed')).toEqual({ to: 'uploading', effects: ['deliver-and-submit'] });
    for (const row of transitionRows().filter((r) => ['settled', 'released', 'refunded'].includes(r.to))) {
      expect(row.effects).toContain('schedule-results-removal');
    }
  });
});
