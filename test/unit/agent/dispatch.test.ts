import { describe, expect, it } from 'vitest';
import { type CallHandlers, dispatchCall } from '../../../electron/agent/api/dispatch';
import { AgentError } from '../../../shared/api/result';
import { callNames } from '../../../shared/api/contract';

function handlers(overrides: Partial<Record<string, (request: never) => Promise<unknown>>> = {}): CallHandlers {
  const all = Object.fromEntries(callNames.map((name) => [name, async (request: unknown) => ({ echo: request })]));
  return { ...all, ...overrides } as CallHandlers;
}

describe('dispatchCall (the agent boundary)', () => {
  it('passes a valid request to its handler', async () => {
    const result = await dispatchCall(handlers(), 'cancelBenchmark', { runId: 'r1' });
    expect(result).toEqual({ ok: true, value: { echo: { runId: 'r1' } } });
  });

  it('refuses an unknown call name as data', async () => {
    const result = await dispatchCall(handlers(), 'deleteEverything', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
  });

  it('refuses names inherited from Object.prototype', async () => {
    const result = await dispatchCall(handlers(), 'constructor', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
  });

  it('validates the request with the call schema and says where it is wrong', async () => {
    const result = await dispatchCall(handlers(), 'startBenchmark', { target: { kind: 'gpu' } });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_request');
      expect(result.error.message).toMatch(/startBenchmark/);
    }
  });

  it('refuses extra fields (strict schemas)', async () => {
    const result = await dispatchCall(handlers(), 'getSnapshot', { privileged: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('returns AgentErrors as data with their hint', async () => {
    const failing = handlers({
      runChecks: async () => {
        throw new AgentError('docker_unreachable', 'Docker is not running.', 'Start Docker Desktop.');
      },
    });
    expect(await dispatchCall(failing, 'runChecks', {})).toEqual({
      ok: false,
      error: { code: 'docker_unreachable', message: 'Docker is not running.', hint: 'Start Docker Desktop.' },
    });
  });

  it('turns unexpected exceptions into an internal error instead of throwing', async () => {
    const failing = handlers({
      runChecks: async () => {
        throw new TypeError('boom');
      },
    });
    const result = await dispatchCall(failing, 'runChecks', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
