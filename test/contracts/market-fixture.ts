/**
 * Deploys TestUSD + RigShiftMarket (devnet parameters) on the in-process Hardhat chain and
 * gives tests small helpers: send a transaction at an exact timestamp, decode its events,
 * assert a revert by custom error name. Helpers here are shared by every contract test and
 * the gas figures.
 */
import {
  Contract,
  ContractFactory,
  type ContractTransactionReceipt,
  type Interface,
  type JsonRpcSigner,
  type LogDescription,
  keccak256,
  toUtf8Bytes,
} from 'ethers';
import type { ContractArtifact } from '../../contracts/compile';
import { type TestChain, startTestChain } from './hardhat-chain';

/** Devnet parameters from the brief: 5 tUSD stake, 120 s challenge window, 1 % fee, 300 s reopen window. */
export const MIN_STAKE = 5_000_000n;
export const CHALLENGE_WINDOW = 120;
export const FEE_BPS = 100n;
export const REOPEN_CLAIM_WINDOW = 300;

export const State = { None: 0n, Open: 1n, Claimed: 2n, Submitted: 3n, Settled: 4n, Refunded: 5n } as const;

/** Enough gas that ethers never has to estimate (estimation would run at a different timestamp). */
const GAS_LIMIT = 3_000_000n;

export interface Sent {
  receipt: ContractTransactionReceipt;
  /** Events of `contract` emitted by this transaction, decoded. */
  events: LogDescription[];
  timestamp: number;
}

export async function deploy(chain: TestChain, artifact: ContractArtifact, signer: JsonRpcSigner, ...args: unknown[]): Promise<Contract> {
  const factory = new ContractFactory(artifact.abi as never, artifact.bytecode, signer);
  const contract = await factory.deploy(...args, { gasLimit: 8_000_000n });
  await contract.waitForDeployment();
  return new Contract(await contract.getAddress(), artifact.abi as never, chain.provider);
}

/**
 * Sends `contract.method(...args)` from `signer` in the next block, at `at` (default: one second
 * after the latest block), and returns the receipt with the decoded events of `contract`.
 */
export async function send(
  chain: TestChain,
  signer: JsonRpcSigner,
  contract: Contract,
  method: string,
  args: unknown[],
  at?: number,
): Promise<Sent> {
  const timestamp = at ?? (await chain.latestTimestamp()) + 1;
  await chain.setNextTimestamp(timestamp);
  const bound = contract.connect(signer) as Contract;
  const response = await bound.getFunction(method)(...args, { gasLimit: GAS_LIMIT });
  const receipt = (await response.wait()) as ContractTransactionReceipt;
  const address = (await contract.getAddress()).toLowerCase();
  const events = receipt.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => contract.interface.parseLog(log))
    .filter((event): event is LogDescription => event !== null);
  return { receipt, events, timestamp };
}

/** Finds the revert data anywhere in an ethers / Hardhat error chain. */
function revertData(error: unknown): string | null {
  const seen = new Set<unknown>();
  const stack: unknown[] = [error];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item || typeof item !== 'object' || seen.has(item)) continue;
    seen.add(item);
    const record = item as Record<string, unknown>;
    if (typeof record.data === 'string' && record.data.startsWith('0x') && record.data.length >= 10) return record.data;
    if (record.data && typeof record.data === 'object') {
      const nested = record.data as Record<string, unknown>;
      if (typeof nested.data === 'string' && nested.data.startsWith('0x')) return nested.data;
    }
    for (const key of ['error', 'info', 'cause', 'data', 'payload']) stack.push(record[key]);
  }
  return null;
}

/**
 * Asserts the transaction reverts with custom error `name` of `iface` (and, if given, exactly
 * these arguments). Returns the decoded arguments.
 */
export async function expectRevert(
  attempt: Promise<unknown>,
  iface: Interface,
  name: string,
  args?: unknown[],
): Promise<unknown[]> {
  let failure: unknown;
  try {
    await attempt;
  } catch (error) {
    failure = error;
  }
  if (failure === undefined) throw new Error(`expected a revert with ${name}, but the transaction succeeded`);
  const data = revertData(failure);
  if (!data) throw new Error(`expected a revert with ${name}, got an error without revert data: ${String(failure)}`);
  const decoded = iface.parseError(data);
  if (!decoded) throw new Error(`expected ${name}, got undecodable revert data ${data}`);
  if (decoded.name !== name) throw new Error(`expected ${name}, got ${decoded.name}(${decoded.args.join(', ')})`);
  const actual = [...decoded.args];
  if (args) {
    const show = (values: unknown[]) => values.map((value) => String(value)).join(', ');
    if (show(actual) !== show(args)) throw new Error(`${name}: expected (${show(args)}), got (${show(actual)})`);
  }
  return actual;
}

export interface JobTerms {
  spec?: string;
  maxPricePerHour?: bigint;
  maxDurationSeconds?: number;
  /** Seconds after the post's timestamp (default 600). */
  claimIn?: number;
  /** Seconds after claimBy + maxDuration (default 600). */
  runSlack?: number;
  preemptible?: boolean;
}

export interface Posted {
  id: bigint;
  escrow: bigint;
  claimBy: number;
  runBy: number;
  terms: Required<JobTerms>;
  sent: Sent;
}

export const sampleSpec = (n: number) =>
  JSON.stringify({ kind: 'rigshift-job', version: 1, job: { image: `busybox@sha256:${'a'.repeat(64)}`, n }, upload: { url: 'http://127.0.0.1:9/upload' } });

export const specHash = (spec: string) => keccak256(toUtf8Bytes(spec));

export interface MarketFixture {
  chain: TestChain;
  token: Contract;
  market: Contract;
  artifacts: Record<string, ContractArtifact>;
  deployer: JsonRpcSigner;
  feeRecipient: JsonRpcSigner;
  requester: JsonRpcSigner;
  alice: JsonRpcSigner;
  bob: JsonRpcSigner;
  carol: JsonRpcSigner;
  send(signer: JsonRpcSigner, method: string, args?: unknown[], at?: number): Promise<Sent>;
  /** Mints, approves and posts; timestamps are relative to the post. */
  post(terms?: JobTerms, signer?: JsonRpcSigner, at?: number): Promise<Posted>;
  /** Mints and deposits `amount` (default minStake) as free stake. */
  stake(signer: JsonRpcSigner, amount?: bigint): Promise<void>;
  fund(signer: JsonRpcSigner, amount: bigint, spender?: string): Promise<void>;
  job(id: bigint): Promise<JobView>;
  balanceOf(address: string): Promise<bigint>;
  /** A uint256 view of the market keyed by account: credit, freeStake, lockedStake. */
  account(view: 'credit' | 'freeStake' | 'lockedStake', who: JsonRpcSigner | string): Promise<bigint>;
  address(who: JsonRpcSigner): Promise<string>;
}

export interface JobView {
  requester: string;
  provider: string;
  maxPricePerHour: bigint;
  ask: bigint;
  escrow: bigint;
  claimBy: bigint;
  runBy: bigint;
  claimedAt: bigint;
  submittedAt: bigint;
  maxDurationSeconds: bigint;
  billedSeconds: bigint;
  attempt: bigint;
  preemptible: boolean;
  state: bigint;
  specHash: string;
  commitment: string;
}

export async function deployMarket(
  chain: TestChain,
  artifacts: { market: ContractArtifact; token: ContractArtifact } & Record<string, ContractArtifact>,
): Promise<MarketFixture> {
  const [deployer, requester, alice, bob, carol, , , , , feeRecipient] = chain.signers;
  if (!deployer || !requester || !alice || !bob || !carol || !feeRecipient) throw new Error('Hardhat gave too few accounts');
  const token = await deploy(chain, artifacts.token, deployer);
  const market = await deploy(
    chain,
    artifacts.market,
    deployer,
    await token.getAddress(),
    MIN_STAKE,
    CHALLENGE_WINDOW,
    FEE_BPS,
    await feeRecipient.getAddress(),
    REOPEN_CLAIM_WINDOW,
  );
  const marketAddress = await market.getAddress();
  const sendMarket = (signer: JsonRpcSigner, method: string, args: unknown[] = [], at?: number) =>
    send(chain, signer, market, method, args, at);
  const fund = async (signer: JsonRpcSigner, amount: bigint, spender = marketAddress) => {
    await send(chain, signer, token, 'mint', [await signer.getAddress(), amount]);
    await send(chain, signer, token, 'approve', [spender, amount]);
  };
  const fixture: MarketFixture = {
    chain,
    token,
    market,
    artifacts,
    deployer,
    feeRecipient,
    requester,
    alice,
    bob,
    carol,
    send: sendMarket,
    fund,
    post: async (terms = {}, signer = requester, at) => {
      const full: Required<JobTerms> = {
        spec: terms.spec ?? sampleSpec(1),
        maxPricePerHour: terms.maxPricePerHour ?? 2_000_000n,
        maxDurationSeconds: terms.maxDurationSeconds ?? 3600,
        claimIn: terms.claimIn ?? 600,
        runSlack: terms.runSlack ?? 600,
        preemptible: terms.preemptible ?? false,
      };
      const escrow = ceilDiv(full.maxPricePerHour * BigInt(full.maxDurationSeconds), 3600n);
      await fund(signer, escrow);
      const timestamp = at ?? (await chain.latestTimestamp()) + 1;
      const claimBy = timestamp + full.claimIn;
      const runBy = claimBy + full.maxDurationSeconds + full.runSlack;
      const sent = await sendMarket(
        signer,
        'post',
        [full.spec, full.maxPricePerHour, full.maxDurationSeconds, claimBy, runBy, full.preemptible],
        timestamp,
      );
      const posted = sent.events.find((event) => event.name === 'JobPosted');
      if (!posted) throw new Error('post emitted no JobPosted');
      return { id: posted.args.id as bigint, escrow, claimBy, runBy, terms: full, sent };
    },
    stake: async (signer, amount = MIN_STAKE) => {
      await fund(signer, amount);
      await sendMarket(signer, 'depositStake', [amount]);
    },
    job: async (id) => {
      const raw = await market.getFunction('getJob')(id);
      return raw.toObject() as JobView;
    },
    balanceOf: async (address) => (await token.getFunction('balanceOf')(address)) as bigint,
    account: async (view, who) => {
      const address = typeof who === 'string' ? who : await who.getAddress();
      return (await market.getFunction(view)(address)) as bigint;
    },
    address: (who) => who.getAddress(),
  };
  return fixture;
}

export const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
/** What the contract pays for `seconds` at `askPerHour`: floor, toward the requester. */
export const grossFor = (askPerHour: bigint, seconds: number | bigint, escrow: bigint) => {
  const gross = (askPerHour * BigInt(seconds)) / 3600n;
  return gross > escrow ? escrow : gross;
};
export const feeFor = (gross: bigint) => (gross * FEE_BPS) / 10_000n;

export { startTestChain };
