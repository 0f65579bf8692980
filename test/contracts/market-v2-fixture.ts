/**
 * RigShiftMarketV2 on the in-process Hardhat chain: compiles the v2 source (or a patched copy of
 * it, for the "invariant fails on a broken contract" checks) with a disk cache, deploys it with
 * TestUSD and gives tests the provider/requester steps as one-liners. Sending, revert decoding
 * and time control come from the v1 fixture.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AbiCoder, type Contract, type JsonRpcSigner, keccak256, toUtf8Bytes } from 'ethers';
import { type ContractArtifact, SOLC_VERSION, compileContracts, contractsDir, repoRoot } from '../../contracts/compile';
import { type TestChain, startTestChain } from './hardhat-chain';
import { type Sent, deploy, send } from './market-fixture';

export const MIN_STAKE = 5_000_000n;
export const CHALLENGE_WINDOW = 120;
export const FEE_BPS = 100n;
export const REOPEN_WINDOW = 300;

export const V2State = { None: 0n, Open: 1n, Running: 2n, Submitted: 3n, Settled: 4n, Refunded: 5n } as const;
export const Round = { Main: 0n, Tiebreak: 1n, Verify: 2n } as const;
export const SlotStatus = { Empty: 0n, Running: 1n, Committed: 2n, Revealed: 3n, Done: 4n } as const;

export const V2_SOURCE = join(contractsDir, 'RigShiftMarketV2.sol');

/**
 * Compiles RigShiftMarketV2 (from `source`, default the real file) and TestUSD. A patched source
 * is written under node_modules/.cache so its OpenZeppelin imports still resolve.
 */
export function compileV2(source = readFileSync(V2_SOURCE, 'utf8')): { market: ContractArtifact; token: ContractArtifact } {
  const hash = createHash('sha256').update(SOLC_VERSION).update(readFileSync(join(contractsDir, 'compile.ts'))).update(source).digest('hex').slice(0, 16);
  const cacheDir = join(repoRoot, 'node_modules', '.cache', 'rigshift-contracts', `v2-${hash}`);
  const cacheFile = join(cacheDir, 'artifacts.json');
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as { market: ContractArtifact; token: ContractArtifact };
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, 'RigShiftMarketV2.sol');
  writeFileSync(file, source);
  const compiled = compileContracts([relative(repoRoot, file), 'contracts/TestUSD.sol']);
  const market = compiled.get('RigShiftMarketV2');
  const token = compiled.get('TestUSD');
  if (!market || !token) throw new Error('solc produced no RigShiftMarketV2/TestUSD');
  const out = { market, token };
  writeFileSync(cacheFile, JSON.stringify(out));
  return out;
}

/** A copy of the v2 source with `find` replaced by `replace`; throws if `find` is not there once. */
export function patchedV2(find: string, replace: string): string {
  const source = readFileSync(V2_SOURCE, 'utf8');
  const at = source.indexOf(find);
  if (at < 0 || source.indexOf(find, at + 1) >= 0) throw new Error(`patch target must occur exactly once: ${find}`);
  return source.slice(0, at) + replace + source.slice(at + find.length);
}

export interface V2Terms {
  spec?: string;
  maxPricePerHour?: bigint;
  maxDurationSeconds?: number;
  bidWindowSeconds?: number;
  /** Seconds after the bid window (or the post) until claimBy (default 300). */
  claimIn?: number;
  /** Seconds after claimBy + duration until runBy (default 600). */
  runSlack?: number;
  replicas?: number;
  deterministic?: boolean;
  preemptible?: boolean;
  minProviderSettled?: number;
}

export interface V2Posted {
  id: bigint;
  escrow: bigint;
  runCost: bigint;
  claimBy: number;
  runBy: number;
  bidEnds: number;
  sent: Sent;
}

export interface V2JobView {
  requester: string;
  maxPricePerHour: bigint;
  escrow: bigint;
  bond: bigint;
  price: bigint;
  extraPrice: bigint;
  bidEnds: bigint;
  claimBy: bigint;
  runBy: bigint;
  submittedAt: bigint;
  maxDurationSeconds: bigint;
  replicas: bigint;
  slotCount: bigint;
  roundStart: bigint;
  state: bigint;
  round: bigint;
}

export interface V2SlotView {
  provider: string;
  startedAt: bigint;
  billedSeconds: bigint;
  status: bigint;
  hash: string;
}

export interface ProviderRecordView {
  settled: bigint;
  agreed: bigint;
  disputesWon: bigint;
  disputesLost: bigint;
  slashes: bigint;
  releases: bigint;
  billedSeconds: bigint;
}

export interface RequesterRecordView {
  posted: bigint;
  accepted: bigint;
  disputesWon: bigint;
  disputesLost: bigint;
  refunds: bigint;
}

export interface V2Fixture {
  chain: TestChain;
  token: Contract;
  market: Contract;
  marketAddress: string;
  deployer: JsonRpcSigner;
  feeRecipient: JsonRpcSigner;
  requester: JsonRpcSigner;
  /** Providers. */
  alice: JsonRpcSigner;
  bob: JsonRpcSigner;
  carol: JsonRpcSigner;
  dave: JsonRpcSigner;
  erin: JsonRpcSigner;
  send(signer: JsonRpcSigner, method: string, args?: unknown[], at?: number): Promise<Sent>;
  fund(signer: JsonRpcSigner, amount: bigint): Promise<void>;
  stake(signer: JsonRpcSigner, amount?: bigint): Promise<void>;
  post(terms?: V2Terms, signer?: JsonRpcSigner, at?: number): Promise<V2Posted>;
  /** commit(id, slot, commitment(digest, salt, provider), billed). */
  commit(signer: JsonRpcSigner, id: bigint, slot: number, digest: string, billed: number, at?: number): Promise<Sent>;
  reveal(signer: JsonRpcSigner, id: bigint, slot: number, digest: string, at?: number): Promise<Sent>;
  job(id: bigint): Promise<V2JobView>;
  slot(id: bigint, index: number): Promise<V2SlotView>;
  provider(who: JsonRpcSigner | string): Promise<ProviderRecordView>;
  requesterOf(who: JsonRpcSigner | string): Promise<RequesterRecordView>;
  balanceOf(address: string): Promise<bigint>;
  account(view: 'credit' | 'freeStake' | 'lockedStake', who: JsonRpcSigner | string): Promise<bigint>;
}

/** The salt a test provider uses for a digest (fixed so a test can recompute the commitment). */
export const saltFor = (digest: string, provider: string) => keccak256(toUtf8Bytes(`salt ${digest} ${provider.toLowerCase()}`));
export const commitmentOf = (digest: string, salt: string, provider: string) =>
  keccak256(AbiCoder.defaultAbiCoder().encode(['bytes32', 'bytes32', 'address'], [digest, salt, provider]));
export const digestOf = (text: string) => keccak256(toUtf8Bytes(text));
export const runCostOf = (maxPricePerHour: bigint, seconds: number) => (maxPricePerHour * BigInt(seconds) + 3599n) / 3600n;
export const grossOf = (pricePerHour: bigint, seconds: number) => (pricePerHour * BigInt(seconds)) / 3600n;
export const netOf = (gross: bigint) => gross - (gross * FEE_BPS) / 10_000n;

export const USD = (dollars: number) => BigInt(Math.round(dollars * 1_000_000));

export async function deployV2(artifacts = compileV2()): Promise<V2Fixture> {
  const chain = await startTestChain();
  const [deployer, requester, alice, bob, carol, dave, erin, , , feeRecipient] = chain.signers;
  if (!deployer || !requester || !alice || !bob || !carol || !dave || !erin || !feeRecipient) throw new Error('Hardhat gave too few accounts');
  const token = await deploy(chain, artifacts.token, deployer);
  const market = await deploy(chain, artifacts.market, deployer, await token.getAddress(), MIN_STAKE, CHALLENGE_WINDOW, FEE_BPS, await feeRecipient.getAddress(), REOPEN_WINDOW);
  const marketAddress = await market.getAddress();
  const sendMarket = (signer: JsonRpcSigner, method: string, args: unknown[] = [], at?: number) => send(chain, signer, market, method, args, at);
  const fund = async (signer: JsonRpcSigner, amount: bigint) => {
    await send(chain, signer, token, 'mint', [await signer.getAddress(), amount]);
    await send(chain, signer, token, 'approve', [marketAddress, amount]);
  };
  const addressOf = async (who: JsonRpcSigner | string) => (typeof who === 'string' ? who : await who.getAddress());
  return {
    chain,
    token,
    market,
    marketAddress,
    deployer,
    feeRecipient,
    requester,
    alice,
    bob,
    carol,
    dave,
    erin,
    send: sendMarket,
    fund,
    stake: async (signer, amount = MIN_STAKE) => {
      await fund(signer, amount);
      await sendMarket(signer, 'depositStake', [amount]);
    },
    post: async (terms = {}, signer = requester, at) => {
      const price = terms.maxPricePerHour ?? USD(0.2);
      const duration = terms.maxDurationSeconds ?? 3600;
      const replicas = terms.replicas ?? 1;
      const bidWindow = terms.bidWindowSeconds ?? 0;
      const runCost = runCostOf(price, duration);
      const escrow = runCost * BigInt(replicas + 1);
      await fund(signer, escrow);
      const timestamp = at ?? (await chain.latestTimestamp()) + 1;
      const bidEnds = bidWindow === 0 ? 0 : timestamp + bidWindow;
      const claimBy = timestamp + bidWindow + (terms.claimIn ?? 300);
      const runBy = claimBy + duration + (terms.runSlack ?? 600);
      const sent = await sendMarket(
        signer,
        'post',
        [
          {
            spec: terms.spec ?? JSON.stringify({ kind: 'rigshift-job', version: 2, n: timestamp }),
            maxPricePerHour: price,
            maxDurationSeconds: duration,
            bidWindowSeconds: bidWindow,
            claimBy,
            runBy,
            replicas,
            deterministic: terms.deterministic ?? true,
            preemptible: terms.preemptible ?? false,
            minProviderSettled: terms.minProviderSettled ?? 0,
          },
        ],
        timestamp,
      );
      const event = sent.events.find((e) => e.name === 'JobPosted');
      if (!event) throw new Error('post emitted no JobPosted');
      return { id: event.args.id as bigint, escrow, runCost, claimBy, runBy, bidEnds, sent };
    },
    commit: async (signer, id, slot, digest, billed, at) => {
      const address = await signer.getAddress();
      return sendMarket(signer, 'commit', [id, slot, commitmentOf(digest, saltFor(digest, address), address), billed], at);
    },
    reveal: async (signer, id, slot, digest, at) => {
      const address = await signer.getAddress();
      return sendMarket(signer, 'reveal', [id, slot, digest, saltFor(digest, address)], at);
    },
    job: async (id) => ((await market.getFunction('getJob')(id)) as { toObject(): V2JobView }).toObject(),
    slot: async (id, index) => ((await market.getFunction('getSlot')(id, index)) as { toObject(): V2SlotView }).toObject(),
    provider: async (who) => ((await market.getFunction('providerRecord')(await addressOf(who))) as { toObject(): ProviderRecordView }).toObject(),
    requesterOf: async (who) => ((await market.getFunction('requesterRecord')(await addressOf(who))) as { toObject(): RequesterRecordView }).toObject(),
    balanceOf: async (address) => (await token.getFunction('balanceOf')(address)) as bigint,
    account: async (view, who) => (await market.getFunction(view)(await addressOf(who))) as bigint,
  };
}
