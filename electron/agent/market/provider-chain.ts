/**
 * The chain operations the provider's job machine needs, and nothing more: read one job's
 * state on chain, the chain's time, our account's mined nonce, and send claim / submit /
 * release / finalize / withdraw through the wallet's queue. The machine is unit-tested
 * through a fake of this interface (test/fakes/fake-provider-chain.ts); the real one below
 * goes through the chain connection and the wallet.
 */
import type { ChainConnection } from '../chain/chain-hub';
import type { SentTx, TxIntent, WalletAccess } from '../wallet/wallet-access';
import { formatUsdMicros } from '../../../shared/domain/money-format';
import { type ChainJob, encode, isLocalChain, latestBlockTime, readJob } from './chain-reads';

export type { ChainJob } from './chain-reads';

export type ProviderTxKind = 'claim' | 'submit' | 'release' | 'finalize' | 'withdraw';

export interface ProviderChain {
  /** The job as the contract has it now. */
  readJob(id: string): Promise<ChainJob>;
  /** The latest block's timestamp (unix s). */
  latestTime(): Promise<number>;
  /** Chain time for deadline arithmetic (on a local devnet blocks are mined on demand, so wall time counts too). */
  now(): Promise<number>;
  /** How many of our transactions the chain has mined (the "latest" nonce): a sent tx with a lower nonce is settled one way or another. */
  minedNonce(): Promise<number>;
  /** A local development chain (loopback uploads allowed, no confirmations). */
  readonly isLocal: boolean;
  claim(id: string, ask: bigint): Promise<SentTx>;
  submit(id: string, digest: string, billedSeconds: number, uri: string): Promise<SentTx>;
  release(id: string, servedSeconds: number): Promise<SentTx>;
  finalize(id: string): Promise<SentTx>;
  withdraw(credit: bigint): Promise<SentTx>;
}

export function createProviderChain(deps: { connection: ChainConnection; wallet: WalletAccess; wallNow: () => number }): ProviderChain {
  const { connection, wallet } = deps;
  const market = connection.network.marketAddress;
  const isLocal = isLocalChain(connection.network);
  const send = (kind: ProviderTxKind, data: string, label: string, jobId?: string, token?: TxIntent['token']) =>
    wallet.send({ to: market, data, kind, label, jobId, token });
  return {
    isLocal,
    readJob: (id) => readJob(connection, id),
    latestTime: () => latestBlockTime(connection),
    async now() {
      const latest = await latestBlockTime(connection);
      return isLocal ? Math.max(latest, Math.floor(deps.wallNow() / 1000)) : latest;
    },
    async minedNonce() {
      const address = wallet.address();
      if (!address) return 0;
      return connection.port.nonce(address, 'latest');
    },
    claim: (id, ask) => send('claim', encode.claim(id, ask), `Claim job ${id} at ${formatUsdMicros(ask)}/h`, id),
    submit: (id, digest, billed, uri) => send('submit', encode.submit(id, digest, billed, uri), `Submit job ${id}`, id),
    release: (id, served) => send('release', encode.release(id, served), `Release job ${id}`, id),
    finalize: (id) => send('finalize', encode.finalize(id), `Finalize job ${id}`, id),
    withdraw: (credit) =>
      send('withdraw', encode.withdraw(), `Withdraw ${formatUsdMicros(credit)} of earnings`, undefined, { amount: credit, recipient: wallet.address() ?? market }),
  };
}
