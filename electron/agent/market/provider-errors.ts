/** How the provider reads errors from the chain, the wallet and the job runner. */
import { AgentError } from '../../../shared/api/result';

/** The first line of an error, as a person reads it (ethers' shortMessage where it has one). */
export const shortError = (error: unknown) =>
  (error instanceof AgentError ? error.message : error instanceof Error ? (error as { shortMessage?: string }).shortMessage ?? error.message : String(error)).split('\n')[0] ?? 'error';

/** The chain refused the call (a revert), as opposed to a transport or signing failure. */
export const isRevert = (error: unknown) =>
  typeof error === 'object' && error !== null && ((error as { code?: unknown }).code === 'CALL_EXCEPTION' || /execution reverted/i.test(String((error as { message?: unknown }).message)));

