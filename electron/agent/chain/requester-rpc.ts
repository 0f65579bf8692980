/**
 * The requester side's chain connection (`rigshift market post`, the devnet demo
 * requester). The requester is the other party of the market: it signs its own posts with
 * ethers' Wallet, so it keeps an ethers provider — created here, in chain/, the one folder
 * that knows ethers' provider types. The provider agent never uses this; it has the ChainPort.
 */
import { JsonRpcProvider } from 'ethers';

/** What the requester code holds: an ethers provider with the chain id fixed. */
export type RequesterRpc = JsonRpcProvider;

/** A provider with the chain id fixed (no detection loop) and a short polling interval. */
export function createRequesterRpc(target: { rpcUrl: string; chainId: number }): RequesterRpc {
  return new JsonRpcProvider(target.rpcUrl, target.chainId, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 500 });
}
