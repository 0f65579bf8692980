/**
 * The devnet's demo requester (`rigshift devnet --demo`): keeps a few realistic jobs open
 * on the market from devnet accounts 1..3, receives results on its loopback upload
 * endpoint, and settles them the way an honest requester would:
 *
 *   post (approve exact escrow) ──► JobClaimed ──► PUT /upload/<token> (tar of outputs)
 *        ──► JobSubmitted: digest of the uploaded files == the committed outputsDigest?
 *              yes: accept (the provider is paid at once)
 *              no / nothing uploaded: logged, and left to the challenge window
 *        ──► expired unclaimed jobs are refunded; credits (refunds, unused escrow) withdrawn.
 *
 * Until a provider claims one of its jobs, it posts starter jobs (demo-job-mix.ts: 10 s,
 * top price) back to back, up to maxOpenJobs, rather than one every postIntervalMs: a
 * newcomer who presses "Start renting" finds short, well-paid jobs waiting.
 */
import { Contract, type ContractTransactionResponse, type Log, NonceManager, Wallet } from 'ethers';
import type { RequesterRpc } from '../chain/requester-rpc';
import { type ContainerRuntime, type Logger } from '../ports';
import { getLogsChunked } from '../chain/get-logs-chunked';
import { MARKET_ABI, MarketJobState } from '../chain/market-abi';
import { devnetAccount } from '../devnet/devnet-accounts';
import { demoImagePath, ensureLocalImage } from './demo-image';
import { type DemoJobPlan, planDemoJob } from './demo-job-mix';
import { chainNow, postMarketJob } from './post-job';
import { requesterProvider } from './requester-signer';
import { type ReceivedUpload, startUploadServer, type UploadServer } from './upload-server';

export type DemoJobState = 'open' | 'claimed' | 'submitted' | 'accepted' | 'disputed' | 'settled' | 'refunded';

export interface DemoJob {
  jobId: bigint;
  requester: string;
  uploadToken: string;
  uploadUrl: string;
  plan: DemoJobPlan;
  claimBy: number;
  txHash: string;
  state: DemoJobState;
  /** From JobSubmitted. */
  submittedDigest: string | null;
  provider: string | null;
  note: string;
}

export interface DemoRequesterEvent {
  kind: 'posted' | 'claimed' | 'uploaded' | 'accepted' | 'disputed' | 'settled' | 'refunded' | 'withdrawn';
  jobId: string | null;
  message: string;
}

export interface DemoRequesterOptions {
  rpcUrl: string;
  chainId: number;
  marketAddress: string;
  logger: Logger;
  /** Where the demo image tarballs are (resources/images); loaded into this engine if missing. */
  imagesDir: string;
  docker: Pick<ContainerRuntime, 'inspectImage' | 'loadImage'> | null;
  /** Post GPU jobs too (only where an NVIDIA GPU is present). */
  gpuAvailable: boolean;
  accountIndexes?: number[];
  /** Between two posts (default 20 s); starter jobs (before the first claim) go back to back. */
  postIntervalMs?: number;
  /** Chain scan and settlement period (default 2 s). */
  tickMs?: number;
  /** Stop posting while this many of our jobs are open (default 3). */
  maxOpenJobs?: number;
  claimMinutes?: number;
  random?: () => number;
  /** Fixed image references (tests); otherwise from imagesDir through Docker. */
  images?: { cpu: string; gpu: string | null };
  /** Start the loop (default true); tests drive postOne()/tick() themselves. */
  autoRun?: boolean;
}

export interface DemoRequester {
  uploadOrigin: string;
  jobs(): DemoJob[];
  onEvent(listener: (event: DemoRequesterEvent) => void): () => void;
  postOne(): Promise<DemoJob>;
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/** Time the provider gets after the claim deadline and the run, to upload and submit. */
const RUN_SLACK_SECONDS = 600;

export async function startDemoRequester(options: DemoRequesterOptions): Promise<DemoRequester> {
  const { logger } = options;
  const provider: RequesterRpc = requesterProvider({ rpcUrl: options.rpcUrl, chainId: options.chainId, marketAddress: options.marketAddress });
  const signers = (options.accountIndexes ?? [1, 2, 3]).map((index) => new NonceManager(new Wallet(devnetAccount(index).privateKey, provider)));
  const addresses = await Promise.all(signers.map((s) => s.getAddress()));
  const market = new Contract(options.marketAddress, MARKET_ABI, provider);
  const random = options.random ?? Math.random;
  const images = options.images ?? (await resolveImages(options));
  const uploads: UploadServer = await startUploadServer({ logger });
  const jobs = new Map<string, DemoJob>();
  const listeners = new Set<(event: DemoRequesterEvent) => void>();
  let scannedTo = (await provider.getBlockNumber()) - 1;
  let sequence = 0;
  let lastPostAt = 0;
  /** Set on the first JobClaimed of ours: from then on the normal mix, at the normal pace. */
  let claimedOnce = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;

  const emit = (event: DemoRequesterEvent) => {
    logger.info(`demo requester: ${event.message}`, event.jobId ? { jobId: event.jobId } : undefined);
    for (const listener of listeners) listener(event);
  };
  const signerFor = (address: string) => signers[addresses.findIndex((a) => a.toLowerCase() === address.toLowerCase())]!;
  const send = async (label: string, call: Promise<ContractTransactionResponse>) => {
    const tx = await call;
    const receipt = await tx.wait();
    if (receipt?.status !== 1) throw new Error(`${label} ${tx.hash} reverted`);
    return tx.hash;
  };

  async function postOne(): Promise<DemoJob> {
    const index = sequence % signers.length;
    const signer = signers[index]!;
    const plan = planDemoJob(random, images, ++sequence, { starter: !claimedOnce });
    const { token, url } = uploads.newUploadUrl();
    const now = await chainNow(signer);
    const claimBy = now + Math.round((options.claimMinutes ?? 10) * 60);
    const posted = await postMarketJob(signer, options.marketAddress, {
      document: { kind: 'rigshift-job', version: 1, job: plan.spec, upload: { url }, description: plan.description },
      maxPricePerHourMicros: plan.maxPricePerHourMicros,
      maxDurationSeconds: plan.maxDurationSeconds,
      claimBy,
      runBy: claimBy + plan.maxDurationSeconds + RUN_SLACK_SECONDS,
      preemptible: plan.preemptible,
    });
    const job: DemoJob = {
      jobId: posted.jobId,
      requester: addresses[index]!,
      uploadToken: token,
      uploadUrl: url,
      plan,
      claimBy,
      txHash: posted.txHash,
      state: 'open',
      submittedDigest: null,
      provider: null,
      note: '',
    };
    jobs.set(job.jobId.toString(), job);
    lastPostAt = Date.now();
    emit({
      kind: 'posted',
      jobId: job.jobId.toString(),
      message: `posted job ${job.jobId}: ${plan.description}, max ${(Number(plan.maxPricePerHourMicros) / 1e6).toFixed(2)} USD/h (tx ${posted.txHash})`,
    });
    return job;
  }

  function onLog(log: Log) {
    const parsed = market.interface.parseLog(log);
    if (!parsed) return;
    const job = jobs.get(String(parsed.args.getValue('id')));
    if (!job) return;
    const id = job.jobId.toString();
    switch (parsed.name) {
      case 'JobClaimed':
        job.state = 'claimed';
        claimedOnce = true;
        job.provider = String(parsed.args.getValue('provider'));
        emit({ kind: 'claimed', jobId: id, message: `job ${id} claimed by ${job.provider} at ${Number(parsed.args.getValue('ask')) / 1e6} USD/h` });
        break;
      case 'JobSubmitted':
        job.state = 'submitted';
        job.submittedDigest = String(parsed.args.getValue('outputsDigest'));
        break;
      case 'JobReleased':
        job.state = parsed.args.getValue('reopened') ? 'open' : 'refunded';
        job.provider = null;
        break;
      case 'JobSettled':
        if (job.state !== 'accepted') emit({ kind: 'settled', jobId: id, message: `job ${id} settled after the challenge window` });
        job.state = job.state === 'accepted' ? 'accepted' : 'settled';
        break;
      case 'JobRefunded':
        if (job.state === 'refunded') break; // we sent the refund ourselves
        job.state = 'refunded';
        emit({ kind: 'refunded', jobId: id, message: `job ${id} refunded (${Number(parsed.args.getValue('amount')) / 1e6} tUSD back)` });
        break;
    }
  }

  /** Accept when the uploaded files hash to what the provider committed to; else say why not. */
  async function decide(job: DemoJob) {
    const id = job.jobId.toString();
    const upload: ReceivedUpload | null = uploads.upload(job.uploadToken);
    if (!upload) {
      if (job.note !== 'waiting-upload') {
        job.note = 'waiting-upload';
        logger.info('demo requester: result submitted but nothing uploaded yet; waiting (the challenge window decides otherwise)', { jobId: id });
      }
      return;
    }
    if (upload.digest.toLowerCase() !== job.submittedDigest!.toLowerCase()) {
      job.state = 'disputed';
      job.note = `uploaded files hash to ${upload.digest}, the provider committed to ${job.submittedDigest}`;
      emit({ kind: 'disputed', jobId: id, message: `job ${id} NOT accepted: ${job.note}; left to the challenge window` });
      return;
    }
    const hash = await send('accept', (market.connect(signerFor(job.requester)) as Contract).getFunction('accept')(job.jobId));
    job.state = 'accepted';
    emit({ kind: 'accepted', jobId: id, message: `job ${id} accepted: ${upload.files.length} files match the committed digest (tx ${hash})` });
  }

  async function tick() {
    const head = await provider.getBlockNumber();
    if (head > scannedTo) {
      const logs = await getLogsChunked(provider, { address: options.marketAddress }, scannedTo + 1, head);
      for (const log of logs) onLog(log);
      scannedTo = head;
    }
    for (const job of jobs.values()) {
      if (job.state === 'submitted') await decide(job);
    }
    // Unclaimed past the claim deadline: take the escrow back.
    const now = await chainNow(signers[0]!);
    for (const job of jobs.values()) {
      if (job.state !== 'open' || now <= job.claimBy) continue;
      const onChain = (await market.getFunction('getJob')(job.jobId)) as { state: bigint; claimBy: bigint };
      if (Number(onChain.state) !== MarketJobState.Open || BigInt(now) <= onChain.claimBy) continue;
      const hash = await send('refund', (market.connect(signerFor(job.requester)) as Contract).getFunction('refund')(job.jobId));
      job.state = 'refunded';
      emit({ kind: 'refunded', jobId: job.jobId.toString(), message: `job ${job.jobId} was not claimed in time: refunded (tx ${hash})` });
    }
    for (let i = 0; i < signers.length; i++) {
      const credit = (await market.getFunction('credit')(addresses[i])) as bigint;
      if (credit > 0n) {
        const hash = await send('withdraw', (market.connect(signers[i]!) as Contract).getFunction('withdraw')());
        emit({ kind: 'withdrawn', jobId: null, message: `${addresses[i]} withdrew ${Number(credit) / 1e6} tUSD of refunds (tx ${hash})` });
      }
    }
    const open = [...jobs.values()].filter((job) => job.state === 'open').length;
    const interval = claimedOnce ? (options.postIntervalMs ?? 20_000) : 0;
    if (open < (options.maxOpenJobs ?? 3) && Date.now() - lastPostAt >= interval) await postOne();
  }

  const runTick = () => {
    if (!ticking) {
      ticking = tick()
        .catch((error: unknown) => logger.warn('demo requester: round failed; retrying', { error: error instanceof Error ? error.message : String(error) }))
        .finally(() => {
          ticking = null;
        });
    }
    return ticking;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void runTick().then(schedule), options.tickMs ?? 2_000);
  };
  uploads.onUpload((upload) => {
    const job = [...jobs.values()].find((j) => j.uploadToken === upload.token);
    emit({ kind: 'uploaded', jobId: job ? job.jobId.toString() : null, message: `results uploaded for job ${job?.jobId ?? '?'}: ${upload.files.length} files, ${upload.bytes} bytes` });
  });
  if (options.autoRun !== false) {
    void runTick().then(schedule);
  }

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

export async function resolveImages(options: DemoRequesterOptions): Promise<{ cpu: string; gpu: string | null }> {
  if (!options.docker) throw new Error('the demo requester needs Docker to load its job image, or fixed images');
  const cpu = await ensureLocalImage(options.docker, demoImagePath(options.imagesDir));
  let gpu: string | null = null;
  if (options.gpuAvailable) {
    try {
      gpu = await ensureLocalImage(options.docker, `${options.imagesDir}/rigshift-bench-gpu.tar`);
    } catch (error) {
      options.logger.warn('demo requester: no GPU jobs (the GPU benchmark image is missing)', { error: (error as Error).message });
    }
  }
  return { cpu, gpu };
}
