import { type CallName, calls, isCallName } from '../../../shared/api/contract';
import { AgentError, type Result } from '../../../shared/api/result';

export type CallHandler = (request: never) => Promise<unknown>;
/** Handlers by call name; a call whose feature is not part of this agent answers `unavailable`. */
export type CallHandlers = { [K in CallName]?: CallHandler };

/**
 * The agent's one boundary: every transport (IPC, HTTP) hands raw, untrusted input here.
 * The request is parsed with the call's schema; any failure comes back as data.
 */
export async function dispatchCall(
  handlers: CallHandlers,
  name: string,
  rawRequest: unknown,
): Promise<Result<unknown>> {
  if (!isCallName(name)) {
    return { ok: false, error: { code: 'unknown_call', message: `There is no API call named "${name}".` } };
  }
  const parsed = calls[name].request.safeParse(rawRequest ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length ? ` at ${issue.path.join('.')}` : '';
    return {
      ok: false,
      error: {
        code: 'invalid_request',
        message: `Invalid request for ${name}${where}: ${issue?.message ?? 'malformed'}.`,
      },
    };
  }
  const handler = handlers[name] as ((request: unknown) => Promise<unknown>) | undefined;
  if (!handler) {
    return {
      ok: false,
      error: {
        code: 'unavailable',
        message: `${name} is not available in this agent.`,
        hint: 'Run the desktop app or `rigshift headless`; one-shot commands start only part of the agent.',
      },
    };
  }
  try {
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (error instanceof AgentError) return { ok: false, error: error.toApiError() };
    return {
      ok: false,
      error: {
        code: 'internal',
        message: `The agent failed while handling ${name}: ${error instanceof Error ? error.message : String(error)}`,
        hint: 'This is a bug in RigShift; the agent log has the details.',
      },
    };
  }
}
