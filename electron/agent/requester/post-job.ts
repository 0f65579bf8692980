/**
 * The requester's side of `post`: approve exactly the escrow, then post the job document.
 * Shared by `rigshift market post` and the demo requester.
 */
import { Contract, type ContractTransactionResponse, type Signer } from 'ethers';
import { AgentError } from '../../../shared/api/result';
import { type MarketJobDocument, MarketJobDocumentSchema } from '../../../shared/domain/market-job';
import { MARKET_ABI, TOKEN_ABI } from '../chain/market-abi';

/** What post() escrows: ceil(price × seconds / 3600), rounded toward the provider never. */
export function escrowFor(maxPricePerHourMicros: bigint, maxDurationSeconds: number): bigint {
  const product = maxPricePerHourMicros * BigInt(maxDurationSeconds);
  return (product + 3599n) / 3600n;
}

export interface PostJobRequest {
  document: MarketJobDocument;
  maxPricePerHourMicros: bigint;
  maxDurationSeconds: number;
  /** Unix seconds (chain time). */
  claimBy: number;
  runBy: number;
  preemptible: boolean;
}

export interface PostedJob {
  jobId: bigint;
  txHash: string;
  approveTxHash: string | null;
  escrowMicros: bigint;
  blockNumber: number;
}

/** Deadlines from the chain's clock (a devnet may have been moved forward with evm_increaseTime). */
export async function chainNow(signer: Signer): Promise<number> {
  const block = await signer.provider!.getBlock('latest');
  if (!block) throw new Error('the RPC returned no latest block');
  return block.timestamp;
}

export async function postMarketJob(signer: Signer, marketAddress: string, request: PostJobRequest): Promise<PostedJob> {
  const document = MarketJobDocumentSchema.parse(request.document);
  if (request.maxPricePerHourMicros <= 0n) throw new AgentError('bad_price', 'The maximum price must be above zero.', 'Pass --max-price in USD per hour, e.g. 0.25.');
  if (!Number.isInteger(request.maxDurationSeconds) || request.maxDurationSeconds <= 0 || request.maxDurationSeconds > 0xffffffff) {
    throw new AgentError('bad_duration', 'The maximum duration must be a whole number of seconds above zero.', 'Pass --max-hours, e.g. 0.5.');
  }
  const market = new Contract(marketAddress, MARKET_ABI, signer);
  const tokenAddress = String(await market.getFunction('token')());
  const token = new Contract(tokenAddress, TOKEN_ABI, signer);
  const owner = await signer.getAddress();
  const escrow = escrowFor(request.maxPricePerHourMicros, request.maxDurationSeconds);
  const balance = (await token.getFunction('balanceOf')(owner)) as bigint;
  if (balance < escrow) {
    throw new AgentError('insufficient_funds', `${owner} holds ${balance} token units; this job escrows ${escrow}.`, 'Fund the account, or lower --max-price or --max-hours.');
  }
  let approveTxHash: string | null = null;
  const allowance = (await token.getFunction('allowance')(owner, marketAddress)) as bigint;
  if (allowance < escrow) {
    // Exactly the escrow: an unlimited approval would leave the account's whole balance exposed.
    const approve = (await token.getFunction('approve')(marketAddress, escrow)) as ContractTransactionResponse;
    approveTxHash = approve.hash;
    const receipt = await approve.wait();
    if (receipt?.status !== 1) throw new AgentError('approve_failed', `The approval ${approve.hash} reverted.`);
  }
  const tx = (await market.getFunction('post')(
    JSON.stringify(document),
    request.maxPricePerHourMicros,
    request.maxDurationSeconds,
    request.claimBy,
    request.runBy,
    request.preemptible,
  )) as ContractTransactionResponse;
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) throw new AgentError('post_failed', `The post transaction ${tx.hash} reverted.`);
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== marketAddress.toLowerCase()) continue;
    const parsed = market.interface.parseLog(log);
    if (parsed?.name === 'JobPosted') {
      return { jobId: parsed.args.getValue('id') as bigint, txHash: tx.hash, approveTxHash, escrowMicros: escrow, blockNumber: receipt.blockNumber };
    }
  }
  throw new AgentError('post_failed', `The post transaction ${tx.hash} emitted no JobPosted event.`);
}
