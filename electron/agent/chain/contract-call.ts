/**
 * Contract reads over the chain port: encode with the ABI, eth_call, decode. Replaces
 * ethers' Contract (which needs an ethers provider) for everything outside chain/.
 */
import type { Interface, Result } from 'ethers';
import type { ChainPort } from './chain-port';

export async function readContract(port: ChainPort, address: string, abi: Interface, fn: string, args: readonly unknown[] = []): Promise<Result> {
  const data = abi.encodeFunctionData(fn, args);
  const raw = await port.call({ to: address, data });
  return abi.decodeFunctionResult(fn, raw);
}

/** A read of a function with one return value. */
export async function readOne<T>(port: ChainPort, address: string, abi: Interface, fn: string, args: readonly unknown[] = []): Promise<T> {
  return (await readContract(port, address, abi, fn, args))[0] as T;
}
