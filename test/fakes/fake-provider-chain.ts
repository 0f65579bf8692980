/**
 * An in-memory market contract behind the ProviderChain interface, for unit tests of the
 * provider's job machine with no chain process. It keeps the contract's rules that matter
 * to the provider (who may claim, submit, release, finalize; deadlines; attempts; credit),
 * numbers our transactions with nonces, and mines them at once or only when told (so a test
 * can "kill" the agent between sending and mining). A transaction that would revert throws
 * at send time like the real wallet's gas estimate does (or, with `revertOnChain`, is mined
 * as failed). Every send is recorded; `failNext` injects RPC failures.
 */
import type { ChainJob, ProviderChain, ProviderTxKind } from '../../electron/agent/market/provider-chain';
import type { SentTx } from '../../electron/agent/wallet/wallet-access';

type Receipt = Awaited<ReturnType<SentTx['wait']>>;

export interface FakeChainJob extends ChainJob {
  id: string;
}

export interface SentRecord {
  kind: ProviderTxKind;
  id: string | null;
  nonce: number;
  hash: string;
  args: unknown[];
  status: 'pending' | 'confirmed' | 'failed';
}

type ChainState = ChainJob['state'];

export function createFakeProviderChain(options: { me: string; now?: number; challengeWindow?: number; isLocal?: boolean }) {
  const me = options.me.toLowerCase();
  let time = options.now ?? 1_800_000_000;
  let autoMine = true;
  let revertOnChain = false;
  const challengeWindow = options.challengeWindow ?? 600;
  const jobs = new Map<string, FakeChainJob>();
  const credit = new Map<string, bigint>();
  const sent: SentRecord[] = [];
  const queue: Array<{ record: SentRecord; apply: () => void; resolve: (r: Receipt) => void }> = [];
  let minedCount = 0;
  /** Every send asked for, including those refused before signing (a revert at the gas estimate). */
  const tried: Array<{ kind: ProviderTxKind; id: string | null }> = [];
  /** Transactions whose sender died (kill -9): mined, but nobody hears the receipt. */
  const waitersForgotten = new Set<SentRecord>();
  const failures: Array<{ op: string; error: Error }> = [];

  const maybeFail = (op: string) => {
    const index = failures.findIndex((f) => f.op === op || f.op === '*');
    if (index >= 0) {
      const [failure] = failures.splice(index, 1);
      throw failure!.error;
    }
  };

  const job = (id: string) => {
    const j = jobs.get(id);
    if (!j) throw new Error(`execution reverted: NoSuchJob(${id})`);
    return j;
  };

  const revert = (reason: string) => {
    const error = new Error(`execution reverted: ${reason}`) as Error & { code: string };
    error.code = 'CALL_EXCEPTION';
    return error;
  };

  /** The contract's checks for each call, as the sender `me`; returns the state change. */
  function check(kind: ProviderTxKind, args: unknown[]): () => void {
    if (kind === 'withdraw') return () => credit.set(me, 0n);
    const id = args[0] as string;
    const j = job(id);
    switch (kind) {
      case 'claim':
        if (j.state !== 'Open') throw revert('NotOpen');
        if (time > j.claimBy) throw revert('ClaimClosed');
        return () => Object.assign(j, { state: 'Claimed', provider: me, ask: args[1] as bigint, claimedAt: time, attempt: j.attempt + 1 });
      case 'submit':
        if (j.state !== 'Claimed' || j.provider.toLowerCase() !== me) throw revert('NotClaimed');
        if (time > j.runBy) throw revert('TooLate');
        return () => Object.assign(j, { state: 'Submitted', submittedAt: time, billedSeconds: args[2] as number });
      case 'release':
        if (j.state !== 'Claimed' || j.provider.toLowerCase() !== me) throw revert('NotClaimed');
        return () => Object.assign(j, { state: 'Open', provider: '0x0000000000000000000000000000000000000000', claimedAt: 0 });
      case 'finalize':
        if (j.state !== 'Submitted') throw revert('NotSubmitted');
        if (time <= j.submittedAt + challengeWindow) throw revert('ChallengeWindow');
        return () => {
          j.state = 'Settled';
          credit.set(me, (credit.get(me) ?? 0n) + (j.ask * BigInt(j.billedSeconds)) / 3600n);
        };
    }
  }

  function send(kind: ProviderTxKind, args: unknown[]): Promise<SentTx> {
    tried.push({ kind, id: kind === 'withdraw' ? null : (args[0] as string) });
    maybeFail(kind);
    let reverted = false;
    try {
      check(kind, args);
    } catch (error) {
      if (!revertOnChain) return Promise.reject(error);
      reverted = true;
    }
    const nonce = sent.length;
    const hash = `0x${(nonce + 1).toString(16).padStart(64, '0')}`;
    const record: SentRecord = { kind, id: kind === 'withdraw' ? null : (args[0] as string), nonce, hash, args, status: 'pending' };
    sent.push(record);
    let resolve!: (r: Receipt) => void;
    const mined = new Promise<Receipt>((r) => (resolve = r));
    const entry = {
      record,
      apply: () => {
        // Checked again when mined: the chain may have moved since it was sent.
        if (!reverted) {
          try {
            check(kind, args)();
          } catch {
            reverted = true;
          }
        }
        record.status = reverted ? 'failed' : 'confirmed';
        minedCount++;
        if (waitersForgotten.has(record)) return;
        resolve({ status: record.status, hash, blockNumber: minedCount, gasUsed: 21000n, effectiveGasPrice: 1n });
      },
      resolve,
    };
    queue.push(entry);
    if (autoMine) mine();
    return Promise.resolve({ id: `tx-${nonce}`, hash, nonce, wait: () => mined });
  }

  function mine(count = Infinity) {
    for (let i = 0; i < count && queue.length > 0; i++) queue.shift()!.apply();
  }

  const chain: ProviderChain = {
    isLocal: options.isLocal ?? false,
    async readJob(id) {
      maybeFail('readJob');
      const { id: _id, ...rest } = job(id);
      return { ...rest };
    },
    async latestTime() {
      maybeFail('latestTime');
      return time;
    },
    async now() {
      maybeFail('now');
      return time;
    },
    async minedNonce() {
      maybeFail('minedNonce');
      return minedCount;
    },
    claim: (id, ask) => send('claim', [id, ask]),
    submit: (id, digest, billed, uri) => send('submit', [id, digest, billed, uri]),
    release: (id, served) => send('release', [id, served]),
    finalize: (id) => send('finalize', [id]),
    withdraw: (amount) => send('withdraw', [amount]),
  };

  return {
    chain,
    me,
    sent,
    jobs,
    /** Posts an open job. */
    post(input: { id: string; maxDurationSeconds?: number; claimBy?: number; runBy?: number; preemptible?: boolean; requester?: string }): FakeChainJob {
      const j: FakeChainJob = {
        id: input.id,
        requester: input.requester ?? '0x00000000000000000000000000000000000000aa',
        provider: '0x0000000000000000000000000000000000000000',
        maxPricePerHour: 3_600_000n,
        ask: 0n,
        escrow: 3_600_000n,
        claimBy: input.claimBy ?? time + 600,
        runBy: input.runBy ?? time + 3600,
        claimedAt: 0,
        submittedAt: 0,
        maxDurationSeconds: input.maxDurationSeconds ?? 60,
        billedSeconds: 0,
        attempt: 0,
        preemptible: input.preemptible ?? false,
        state: 'Open',
      };
      jobs.set(j.id, j);
      return j;
    },
    /** Another account claims it. */
    claimAsOther(id: string, other = '0x00000000000000000000000000000000000000bb') {
      Object.assign(job(id), { state: 'Claimed', provider: other, claimedAt: time, attempt: job(id).attempt + 1 });
    },
    /** The requester accepts (settles) a submitted job. */
    accept(id: string) {
      const j = job(id);
      if (j.state !== 'Submitted') throw new Error('not submitted');
      j.state = 'Settled';
    },
    /** Anyone refunds after runBy. */
    refund(id: string) {
      const j = job(id);
      if (time <= j.runBy) throw new Error('before runBy');
      j.state = 'Refunded';
    },
    setState(id: string, state: ChainState) {
      job(id).state = state;
    },
    advanceTime(seconds: number) {
      time += seconds;
    },
    time: () => time,
    setAutoMine(on: boolean) {
      autoMine = on;
    },
    setRevertOnChain(on: boolean) {
      revertOnChain = on;
    },
    mine,
    /** The sending process died: receipts of transactions sent so far reach nobody. */
    forgetWaiters() {
      for (const r of sent) waitersForgotten.add(r);
    },
    /** Transactions sent but not mined. */
    pending: () => queue.map((q) => q.record),
    /** Drops every unmined transaction (the node forgot them) without using their nonces. */
    dropPending() {
      queue.splice(0, queue.length);
    },
    creditOf: (address: string) => credit.get(address.toLowerCase()) ?? 0n,
    /** The next call of `op` ('readJob', 'claim', 'submit', … or '*') throws `error`. */
    failNext(op: string, error: Error = new Error('connect ECONNREFUSED 127.0.0.1:8545')) {
      failures.push({ op, error });
    },
    triedOf: (kind: ProviderTxKind, id?: string) => tried.filter((s) => s.kind === kind && (id === undefined || s.id === id)),
    sentOf: (kind: ProviderTxKind, id?: string) => sent.filter((s) => s.kind === kind && (id === undefined || s.id === id)),
  };
}

export type FakeProviderChain = ReturnType<typeof createFakeProviderChain>;
