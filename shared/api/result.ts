import { z } from 'zod';

/**
 * Errors cross every boundary (IPC, HTTP, WebSocket, CLI) as data, never as thrown
 * exceptions: the renderer must be able to show `message` and `hint` as they are.
 */
export const ApiErrorSchema = z.object({
  /** Stable, machine-readable code, e.g. `docker_unreachable`, `invalid_request`. */
  code: z.string().min(1),
  /** What went wrong, in one sentence a non-expert understands. */
  message: z.string().min(1),
  /** What the owner can do about it (the exact fix), when there is one. */
  hint: z.string().optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = (code: string, message: string, hint?: string): Result<never> => ({
  ok: false,
  error: hint === undefined ? { code, message } : { code, message, hint },
});

/** An exception that carries an ApiError; the boundary turns it back into data. */
export class AgentError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'AgentError';
  }
  toApiError(): ApiError {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

export const resultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: ApiErrorSchema }),
  ]);
