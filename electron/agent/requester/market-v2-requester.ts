/**
 * The requester's side of the v2 market (`rigshift market post|show|accept|dispute|redeliver|
 * reputation` on a v2 deployment): which market (a deployment file, --rpc-url and
 * --market-address, or the running devnet; always probed to be v2), and each call with exact
 * approvals. A revert is said in words (chain/market-v2-errors.ts), never as raw data.
 */
import { Contract, type ContractTransactionResponse, getAddress, type Signer, toBeHex, zeroPadValue } from 'ethers';
import { AgentError } from '../../../shared/api/result';
import { type MarketJobDocument, MarketJobDocumentSchema } from '../../../shared/domain/market-job';
import { getLogsChunked } from '../chain/get-logs-chunked';
import { TOKEN_ABI } from '../chain/market-abi';
import { isMarketV2, MARKET_V2_ABI, type V2JobState, v2StateName } from '../chain/market-v2-abi';
import { describeMarketV2Revert } from '../chain/market-v2-errors';
import type { RequesterRpc } from '../chain/requester-rpc';
import { marketVersionOf, readMarketDeployment } from '../deploy/market-deployment-file';
import { createV2Book, type V2BookJob } from '../market-v2/v2-book';
import { decodeMarketV2Log, type V2JobEvent } from '../market-v2/v2-events';
import { type RequesterTarget, requesterProvider, resolveRequesterTarget } from './requester-signer';

export interface V2Target extends RequesterTarget {
  /** Where log scans start (the deployment block; 0 when unknown, as on a devnet). */
  fromBlock: number;
}

/** The v2 market this command talks to; refuses a v1 market with what to do instead. */
export async function resolveV2Target(options: { deploymentFile?: string; rpcUrl?: string; marketAddress?: string; dataDir: string }, command: string): Promise<{ target: V2Target; provider: RequesterRpc }> {
  let target: V2Target;
  if (options.deploymentFile) {
    if (options.marketAddress) throw new AgentError('usage', '--deployment already names the market; leave --market-address out.');
    const d = readMarketDeployment(options.deploymentFile);
    if (marketVersionOf(d) !== 2) throw new AgentError('market_version', `${options.deploymentFile} is a v1 market; market ${command} needs a v2 market.`, 'Deploy one with: rigshift market deploy --market-version 2 …');
    target = { rpcUrl: options.rpcUrl ?? d.rpcUrl, chainId: d.chainId, marketAddress: d.market, fromBlock: d.deploymentBlock };
  } else {
    target = { ...(await resolveRequesterTarget(options)), fromBlock: 0 };
  }
  const provider = requesterProvider(target);
  if (!(await isMarketV2(provider, target.marketAddress))) {
    provider.destroy();
    throw new AgentError('market_version', `The market at ${target.marketAddress} is not a v2 market; market ${command} needs one.`, 'Pass --deployment <file> of a v2 market (rigshift market deploy --market-version 2).');
  }
  return { target, provider };
}

/** Sends one market call; a revert becomes its words. */
async function send(label: string, call: () => Promise<ContractTransactionResponse>): Promise<{ hash: string; blockNumber: number }> {
  let tx: ContractTransactionResponse;
  try {
    tx = await call();
  } catch (error) {
    const revert = describeMarketV2Revert(error);
    if (revert) throw new AgentError('market_refused', `The market refused ${label}: ${revert.words}`);
    throw error;
  }
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) throw new AgentError('tx_failed', `${label} (${tx.hash}) reverted.`);
  return { hash: tx.hash, blockNumber: receipt.blockNumber };
}

/** ceil(maxPrice × duration / 3600): one run's cost, as the contract's runCost. */
export const v2RunCost = (maxPricePerHour: bigint, durationSeconds: number) => (maxPricePerHour * BigInt(durationSeconds) + 3599n) / 3600n;

/** Approves exactly `amount` to the market when the allowance is short; returns the approval's hash. */
async function approveExactly(signer: Signer, market: Contract, amount: bigint, what: string): Promise<string | null> {
  const token = new Contract(String(await market.getFunction('token')()), TOKEN_ABI, signer);
  const owner = await signer.getAddress();
  const balance = (await token.getFunction('balanceOf')(owner)) as bigint;
  if (balance < amount) throw new AgentError('insufficient_funds', `${owner} holds ${balance} token units; ${what} needs ${amount}.`, 'Fund the account first.');
  const allowance = (await token.getFunction('allowance')(owner, await market.getAddress())) as bigint;
  if (allowance >= amount) return null;
  // Exactly the amount: an unlimited approval would leave the whole balance exposed.
  const approve = await send('the approval', () => token.getFunction('approve')(market.getAddress(), amount) as Promise<ContractTransactionResponse>);
  return approve.hash;
}

export interface PostV2Request {
  document: MarketJobDocument;
  maxPricePerHourMicros: bigint;
  maxDurationSeconds: number;
  bidWindowSeconds: number;
  claimBy: number;
  runBy: number;
  replicas: number;
  deterministic: boolean;
  preemptible: boolean;
  minProviderSettled: number;
}

export async function postV2Job(signer: Signer, marketAddress: string, request: PostV2Request) {
  const document = MarketJobDocumentSchema.parse(request.document);
  const market = new Contract(marketAddress, MARKET_V2_ABI, signer);
  const escrow = v2RunCost(request.maxPricePerHourMicros, request.maxDurationSeconds) * BigInt(request.replicas + 1);
  const approveTxHash = await approveExactly(signer, market, escrow, 'this job\'s escrow (one run per replica plus one for a tiebreak or verifier)');
  const terms = {
    spec: JSON.stringify(document),
    maxPricePerHour: request.maxPricePerHourMicros,
    maxDurationSeconds: request.maxDurationSeconds,
    bidWindowSeconds: request.bidWindowSeconds,
    claimBy: request.claimBy,
    runBy: request.runBy,
    replicas: request.replicas,
    deterministic: request.deterministic,
    preemptible: request.preemptible,
    minProviderSettled: request.minProviderSettled,
  };
  const sent = await send('the post', () => market.getFunction('post')(terms) as Promise<ContractTransactionResponse>);
  const receipt = await signer.provider!.getTransactionReceipt(sent.hash);
  const posted = receipt?.logs.map((l) => (l.address.toLowerCase() === marketAddress.toLowerCase() ? market.interface.parseLog(l) : null)).find((l) => l?.name === 'JobPosted');
  if (!posted) throw new AgentError('post_failed', `The post transaction ${sent.hash} emitted no JobPosted event.`);
  return { jobId: posted.args.getValue('id') as bigint, txHash: sent.hash, approveTxHash, escrowMicros: escrow, bidEnds: Number(posted.args.getValue('bidEnds')) };
}

/** What the chain holds for a job now (getJob), in plain values. */
export interface V2ChainJob {
  requester: string;
  state: V2JobState;
  escrow: bigint;
  bond: bigint;
  price: bigint;
  extraPrice: bigint;
  maxPricePerHour: bigint;
  maxDurationSeconds: number;
  submittedAt: number;
}

async function chainJob(market: Contract, id: bigint): Promise<V2ChainJob> {
  const j = await market.getFunction('getJob')(id);
  if (Number(j.state) === 0) throw new AgentError('unknown_job', `There is no job ${id} on this market.`);
  return {
    requester: j.requester as string,
    state: v2StateName(j.state as bigint),
    escrow: j.escrow as bigint,
    bond: j.bond as bigint,
    price: j.price as bigint,
    extraPrice: j.extraPrice as bigint,
    maxPricePerHour: j.maxPricePerHour as bigint,
    maxDurationSeconds: Number(j.maxDurationSeconds),
    submittedAt: Number(j.submittedAt),
  };
}

/** A job as the chain holds it and as its events tell it (the auction, slots, dispute, redeliveries). */
export async function showV2Job(provider: RequesterRpc, target: V2Target, id: bigint): Promise<{ chain: V2ChainJob; book: V2BookJob }> {
  const market = new Contract(target.marketAddress, MARKET_V2_ABI, provider);
  const chain = await chainJob(market, id);
  const head = await provider.getBlockNumber();
  const logs = await getLogsChunked(provider, { address: target.marketAddress, topics: [null, zeroPadValue(toBeHex(id), 32)] }, target.fromBlock, head);
  const events = logs
    .map((l) => decodeMarketV2Log({ address: l.address, blockNumber: l.blockNumber, blockHash: l.blockHash, transactionHash: l.transactionHash, index: l.index, topics: l.topics, data: l.data, removed: l.removed }))
    .filter((e): e is V2JobEvent => e !== null && 'id' in e && e.id === id.toString());
  const book = createV2Book();
  book.apply(events);
  const job = book.get(id.toString());
  if (!job) throw new AgentError('unknown_job', `Job ${id}'s JobPosted event was not found from block ${target.fromBlock}.`);
  return { chain, book: job };
}

export async function acceptV2Job(signer: Signer, marketAddress: string, id: bigint) {
  const market = new Contract(marketAddress, MARKET_V2_ABI, signer);
  return send(`accepting job ${id}`, () => market.getFunction('accept')(id) as Promise<ContractTransactionResponse>);
}

/** Disputes with a bond of one run's cost (approved exactly). */
export async function disputeV2Job(signer: Signer, marketAddress: string, id: bigint) {
  const market = new Contract(marketAddress, MARKET_V2_ABI, signer);
  const job = await chainJob(market, id);
  const bond = v2RunCost(job.maxPricePerHour, job.maxDurationSeconds);
  // Refused before any approval when the dispute would fail (a revert in words, no tokens approved).
  try {
    await market.getFunction('dispute').staticCall(id);
  } catch (error) {
    // Without the allowance yet the token itself reverts (not a market error): that is expected here.
    const revert = describeMarketV2Revert(error);
    if (revert && revert.name !== 'SafeERC20FailedOperation') throw new AgentError('market_refused', `The market refused the dispute of job ${id}: ${revert.words}`);
  }
  const approveTxHash = await approveExactly(signer, market, bond, 'the dispute bond');
  const sent = await send(`the dispute of job ${id}`, () => market.getFunction('dispute')(id) as Promise<ContractTransactionResponse>);
  return { ...sent, approveTxHash, bondMicros: bond };
}

export async function redeliverV2Job(signer: Signer, marketAddress: string, id: bigint, uploadUrl: string) {
  const market = new Contract(marketAddress, MARKET_V2_ABI, signer);
  return send(`the redelivery request for job ${id}`, () => market.getFunction('requestRedelivery')(id, uploadUrl) as Promise<ContractTransactionResponse>);
}

/** An account's records as the contract holds them (the authority; the agent folds the same from events). */
export async function reputationOf(provider: RequesterRpc, marketAddress: string, address: string) {
  const market = new Contract(marketAddress, MARKET_V2_ABI, provider);
  const account = getAddress(address);
  const [p, r, score, free, locked] = await Promise.all([
    market.getFunction('providerRecord')(account),
    market.getFunction('requesterRecord')(account),
    market.getFunction('reputationScore')(account) as Promise<bigint>,
    market.getFunction('freeStake')(account) as Promise<bigint>,
    market.getFunction('lockedStake')(account) as Promise<bigint>,
  ]);
  return {
    address: account,
    provider: { settled: Number(p.settled), agreed: Number(p.agreed), disputesWon: Number(p.disputesWon), disputesLost: Number(p.disputesLost), slashes: Number(p.slashes), releases: Number(p.releases), billedSeconds: Number(p.billedSeconds) },
    requester: { posted: Number(r.posted), accepted: Number(r.accepted), disputesWon: Number(r.disputesWon), disputesLost: Number(r.disputesLost), refunds: Number(r.refunds) },
    score: Number(score),
    freeStakeMicros: free,
    lockedStakeMicros: locked,
  };
}
