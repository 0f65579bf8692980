import { z } from 'zod';

/** One named call of the contract: its request schema (parsed at the agent's boundary) and response. */
export const defineCall = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) => ({
  request,
  response,
});

/** The request of a call that takes no arguments. */
export const EmptyRequest = z.object({}).strict();
