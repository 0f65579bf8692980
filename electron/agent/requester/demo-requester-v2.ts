/**
 * The devnet's demo requester on a v2 market (`rigshift devnet --demo --market-version 2`),
 * through the requester module the CLI uses (market-v2-requester.ts). It keeps a few jobs
 * open from devnet accounts 1..3, each a reverse auction (10 s bid window); every third is a
 * replicated deterministic job (2 replicas), and now and then (every fifth single job) a
 * deterministic result is disputed instead of accepted, so the Market page shows auctions,
 * replicas, disputes and records. It follows its jobs with the v2 book folded from the
 * market's logs, awards auctions whose window closed (anyone may), accepts a single
 * replica's result once its upload arrived, concludes jobs nobody could take, and
 * withdraws its credit (refunds, unused escrow).
 * The demo's providers are honest, so every dispute is lost; a requester that lost more than
 * the providers' default rule allows is refused by them (v2-requester-rule.ts), and its jobs
 * would sit unbid. So a requester disputes only while one more loss keeps it within that
 * rule (mayDispute); after that its "to be disputed" jobs are accepted.
 */
import { Contract, type ContractTransactionResponse, NonceManager, Wallet } from 'ethers';
import { getLogsChunked } from '../chain/get-logs-chunked';
import { MARKET_V2_ABI } from '../chain/market-v2-abi';
import { devnetAccount } from '../devnet/devnet-accounts';
import { createV2Book } from '../market-v2/v2-book';
import { decodeMarketV2Log, V2_EVENT_TOPICS, type V2JobEvent } from '../market-v2/v2-events';
import type { DemoRequester, DemoRequesterEvent, DemoRequesterOptions, DemoJob } from './demo-requester';
import { resolveImages } from './demo-requester';
import { planDemoJob } from './demo-job-mix';
import { DEFAULT_MAX_REQUESTER_DISPUTES_LOST } from '../../../shared/domain/settings';
import { acceptV2Job, disputeV2Job, postV2Job } from './market-v2-requester';
import { chainNow } from './post-job';
import { requesterProvider } from './requester-signer';
import { startUploadServer } from './upload-server';

export const DEMO_V2_BID_WINDOW_SECONDS = 10;
const RUN_SLACK_SECONDS = 600;

/** Would one more lost dispute (with those still open) keep the requester within the providers' default rule? */
export function mayDispute(disputesLost: number, disputesOpen: number, limit: number = DEFAULT_MAX_REQUESTER_DISPUTES_LOST): boolean {
  return disputesLost + disputesOpen + 1 <= limit;
}

interface DemoV2Job extends DemoJob {
  replicas: number;
  disputeIt: boolean;
  done: boolean;
}

export async function startDemoRequesterV2(options: DemoRequesterOptions): Promise<DemoRequester> {
  const { logger } = options;
  const provider = requesterProvider({ rpcUrl: options.rpcUrl, chainId: options.chainId, marketAddress: options.marketAddress });
  const signers = (options.accountIndexes ?? [1, 2, 3]).map((index) => new NonceManager(new Wallet(devnetAccount(index).privateKey, provider)));
  const addresses = await Promise.all(signers.map((s) => s.getAddress()));
  const random = options.random ?? Math.random;
  const images = options.images ?? (await resolveImages(options));
  const uploads = await startUploadServer({ logger });
  const book = createV2Book();
  const jobs = new Map<string, DemoV2Job>();
  const listeners = new Set<(event: DemoRequesterEvent) => void>();
  let scannedTo = (await provider.getBlockNumber()) - 1;
  let sequence = 0;
  let singles = 0;
  let lastPostAt = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;

  const emit = (event: DemoRequesterEvent) => {
    logger.info(`demo requester (v2): ${event.message}`, event.jobId ? { jobId: event.jobId } : undefined);
    for (const listener of listeners) listener(event);
  };
  const signerFor = (address: string) => signers[addresses.findIndex((a) => a.toLowerCase() === address.toLowerCase())]!;
  const marketAs = (address: string) => new Contract(options.marketAddress, MARKET_V2_ABI, signerFor(address));
  const send = async (label: string, call: Promise<ContractTransactionResponse>) => {
    const receipt = await (await call).wait();
    if (receipt?.status !== 1) throw new Error(`${label} reverted`);
  };

  async function postOne(): Promise<DemoJob> {
    const index = sequence % signers.length;
    const signer = signers[index]!;
    const replicas = (sequence + 1) % 3 === 0 ? 2 : 1;
    const disputeIt = replicas === 1 && ++singles % 5 === 0;
    // Replicas and a dispute's verifier compare outputs digests: such a job does fixed work.
    const plan = planDemoJob(random, images, ++sequence, { starter: false, deterministic: replicas > 1 || disputeIt });
    const { token, url } = uploads.newUploadUrl();
    const now = await chainNow(signer);
    const claimBy = now + Math.round((options.claimMinutes ?? 10) * 60);
    const posted = await postV2Job(signer, options.marketAddress, {
      document: { kind: 'rigshift-job', version: 1, job: plan.spec, upload: { url }, description: plan.description },
      maxPricePerHourMicros: plan.maxPricePerHourMicros,
      maxDurationSeconds: plan.maxDurationSeconds,
      bidWindowSeconds: DEMO_V2_BID_WINDOW_SECONDS,
      claimBy,
      runBy: claimBy + plan.maxDurationSeconds + RUN_SLACK_SECONDS,
      replicas,
      // What the requester declares: replicas and disputes compare outputs digests.
      deterministic: replicas > 1 || disputeIt,
      preemptible: false,
      minProviderSettled: 0,
    });
    const job: DemoV2Job = { jobId: posted.jobId, requester: addresses[index]!, uploadToken: token, uploadUrl: url, plan, claimBy, txHash: posted.txHash, state: 'open', submittedDigest: null, provider: null, note: '', replicas, disputeIt, done: false };
    jobs.set(posted.jobId.toString(), job);
    lastPostAt = Date.now();
    const kind = replicas > 1 ? `${replicas} replicas, deterministic` : disputeIt ? 'deterministic, to be disputed' : 'one replica';
    emit({ kind: 'posted', jobId: posted.jobId.toString(), message: `posted job ${posted.jobId} (${plan.spec.name}, auction ${DEMO_V2_BID_WINDOW_SECONDS} s, ${kind}, up to ${Number(plan.maxPricePerHourMicros) / 1e6} USD/h)` });
    return job;
  }

  async function scan() {
    const head = await provider.getBlockNumber();
    if (head <= scannedTo) return;
    const logs = await getLogsChunked(provider, { address: options.marketAddress, topics: [V2_EVENT_TOPICS] }, scannedTo + 1, head);
    const events = logs
      .map((l) => decodeMarketV2Log({ address: l.address, blockNumber: l.blockNumber, blockHash: l.blockHash, transactionHash: l.transactionHash, index: l.index, topics: l.topics, data: l.data, removed: l.removed }))
      .filter((e): e is V2JobEvent => e !== null && 'id' in e && jobs.has(e.id));
    book.apply(events);
    scannedTo = head;
  }

  /** One job's next step as its requester; each step is idempotent against the chain. */
  async function step(job: DemoV2Job, now: number) {
    const id = job.jobId.toString();
    const b = book.get(id);
    if (!b || job.done) return;
    const market = marketAs(job.requester);
    if (b.state === 'settled' || b.state === 'refunded') {
      job.done = true;
      job.state = b.state;
      emit({ kind: b.state, jobId: id, message: `job ${id} ${b.state}${b.refund ? ` (${Number(b.refund) / 1e6} tUSD back)` : ''}` });
      return;
    }
    const auction = b.auctions.find((a) => a.roundNo === b.roundNo);
    if (b.state === 'open' && auction && auction.pricePerHour === null && now > b.bidEnds && auction.bids.length >= (b.round === 'main' ? job.replicas : 1)) {
      await send('award', market.getFunction('award')(job.jobId) as Promise<ContractTransactionResponse>);
      emit({ kind: 'claimed', jobId: id, message: `job ${id} awarded: ${auction.bids.length} bids` });
      return;
    }
    if (b.state === 'open' && now > b.claimBy) {
      await send('conclude', market.getFunction('conclude')(job.jobId) as Promise<ContractTransactionResponse>);
      return;
    }
    if (b.state === 'submitted' && job.replicas === 1 && b.dispute === null && uploads.upload(job.uploadToken)) {
      if (job.disputeIt && (await requesterMayDispute(job))) {
        const disputed = await disputeV2Job(signerFor(job.requester), options.marketAddress, job.jobId);
        job.state = 'disputed';
        emit({ kind: 'disputed', jobId: id, message: `job ${id} disputed (bond ${Number(disputed.bondMicros) / 1e6} tUSD): a verifier run decides` });
      } else {
        await acceptV2Job(signerFor(job.requester), options.marketAddress, job.jobId);
        job.state = 'accepted';
        emit({ kind: 'accepted', jobId: id, message: `job ${id} accepted: its results arrived` });
      }
    }
  }

  async function requesterMayDispute(job: DemoV2Job): Promise<boolean> {
    const record = (await marketAs(job.requester).getFunction('requesterRecord')(job.requester)) as { disputesLost: bigint };
    const open = [...jobs.values()].filter((j) => j.requester === job.requester && j.state === 'disputed' && !j.done).length;
    if (mayDispute(Number(record.disputesLost), open)) return true;
    logger.info(`demo requester (v2): job ${job.jobId} not disputed after all: ${job.requester} lost ${record.disputesLost} disputes (${open} open), and providers refuse a requester that lost more than ${DEFAULT_MAX_REQUESTER_DISPUTES_LOST}`);
    return false;
  }

  async function tick() {
    await scan();
    const now = await chainNow(signers[0]!);
    for (const job of jobs.values()) {
      try {
        await step(job, now);
      } catch (error) {
        job.note = (error as Error).message.split('\n')[0]!;
        logger.warn('demo requester (v2): a step failed', { jobId: job.jobId.toString(), error: job.note });
      }
    }
    const open = [...jobs.values()].filter((j) => !j.done).length;
    if (!stopped && open < (options.maxOpenJobs ?? 3) && Date.now() - lastPostAt >= (options.postIntervalMs ?? 20_000)) await postOne();
    for (const [i, signer] of signers.entries()) {
      const market = new Contract(options.marketAddress, MARKET_V2_ABI, signer);
      const credit = (await market.getFunction('credit')(addresses[i])) as bigint;
      if (credit > 0n) {
        await send('withdraw', market.getFunction('withdraw')() as Promise<ContractTransactionResponse>);
        emit({ kind: 'withdrawn', jobId: null, message: `${addresses[i]} withdrew ${Number(credit) / 1e6} tUSD (refunds, unused escrow, bonds)` });
      }
    }
  }

  const runTick = () => {
    ticking ??= tick()
      .catch((error: unknown) => logger.warn('demo requester (v2): tick failed', { error: String(error) }))
      .finally(() => (ticking = null));
    return ticking;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void runTick().then(schedule), options.tickMs ?? 2_000);
  };
  uploads.onUpload((upload) => {
    const job = [...jobs.values()].find((j) => j.uploadToken === upload.token);
    emit({ kind: 'uploaded', jobId: job ? job.jobId.toString() : null, message: `results uploaded for job ${job?.jobId ?? '?'}: ${upload.files.length} files (digest ${upload.digest.slice(0, 10)}…)` });
  });
  if (options.autoRun !== false) void runTick().then(schedule);

  return {
    uploadOrigin: uploads.origin,
    jobs: () => [...jobs.values()],
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    postOne,
    tick: runTick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await ticking;
      await uploads.close();
      provider.destroy();
    },
  };
}
