import type { HeadlessProcess } from './headless-process';

export type AgentApi = <T = unknown>(name: string, request?: unknown) => Promise<T>;

/** Calls the agent's API like the dashboard does (token in the Authorization header). */
export function agentApi(agent: Pick<HeadlessProcess, 'origin' | 'token'>): AgentApi {
  return async <T>(name: string, request: unknown = {}) => {
    const response = await fetch(`${agent.origin}/api/call/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` },
      body: JSON.stringify(request),
    });
    const result = (await response.json()) as { ok: boolean; value?: unknown; error?: unknown };
    if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.error)}`);
    return result.value as T;
  };
}
