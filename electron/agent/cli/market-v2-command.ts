/**
 * `rigshift market post|show|accept|dispute|redeliver|reputation` on a v2 market: arguments,
 * the calls (requester/market-v2-requester.ts) and what is printed (words, or --json).
 * `post` comes here only with a v2 option or --deployment; otherwise it is v1's post.
 */
import { parseArgs } from 'node:util';
import { AgentError } from '../../../shared/api/result';
import { validateJobSpec } from '../../../shared/domain/job-spec-validation';
import { usdWords } from '../chain/market-v2-errors';
import { prepareDataDir } from '../node-adapters/data-dir';
import { chainNow } from '../requester/post-job';
import { acceptV2Job, disputeV2Job, postV2Job, redeliverV2Job, reputationOf, resolveV2Target, showV2Job } from '../requester/market-v2-requester';
import { requesterSigner } from '../requester/requester-signer';
import { parseUsd, readJobDocument, SUBMIT_SLACK_SECONDS } from './market-post-command';
import { MARKET_V2_HELP } from './market-v2-help';
import { describeV2Job, jsonOf } from './market-v2-print';

export const MARKET_V2_COMMANDS = ['show', 'accept', 'dispute', 'redeliver', 'reputation'] as const;
type V2Command = (typeof MARKET_V2_COMMANDS)[number] | 'post';

const V2_POST_FLAGS = ['--bid-window', '--replicas', '--deterministic', '--min-provider-record', '--deployment'];
/** Whether `market post` is for a v2 market (any v2 option, or a deployment file). */
export const isV2Post = (args: readonly string[]) => args.some((a) => V2_POST_FLAGS.includes(a.split('=')[0]!));

const COMMON = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  deployment: { type: 'string' },
  'rpc-url': { type: 'string' },
  'market-address': { type: 'string' },
  'data-dir': { type: 'string' },
  'private-key-file': { type: 'string' },
  account: { type: 'string' },
} as const;
const POST = {
  'max-price': { type: 'string' },
  'max-hours': { type: 'string' },
  'claim-minutes': { type: 'string' },
  preemptible: { type: 'boolean' },
  'upload-url': { type: 'string' },
  description: { type: 'string' },
  'bid-window': { type: 'string' },
  replicas: { type: 'string' },
  deterministic: { type: 'boolean' },
  'min-provider-record': { type: 'string' },
} as const;

const wholeNumber = (value: string | undefined, flag: string, min: number, max: number, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || n < min || n > max) throw new AgentError('usage', `${flag} must be a whole number from ${min} to ${max}, not "${value}".`);
  return n;
};

/** Runs one v2 command; `usageError` makes main's exit-2 usage error. */
export async function runMarketV2(command: V2Command, args: string[], usageError: (message: string) => Error): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options: { ...COMMON, ...(command === 'post' ? POST : command === 'redeliver' ? { 'upload-url': POST['upload-url'] } : {}) } });
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const str = (name: string) => values[name] as string | undefined;
  if (values.help) {
    process.stdout.write(`${MARKET_V2_HELP[command]}\n`);
    return 0;
  }
  const [first, ...extra] = parsed.positionals;
  if (!first || extra.length > 0) throw usageError(`market ${command} needs exactly one ${command === 'post' ? 'job spec file' : command === 'reputation' ? 'address' : 'job id'} (try: rigshift market ${command} --help)`);
  if (command !== 'post' && command !== 'reputation' && !/^[0-9]+$/.test(first)) throw usageError(`a job id is a whole number, not "${first}"`);
  if (command === 'reputation' && !/^0x[0-9a-fA-F]{40}$/.test(first)) throw usageError(`an address is 0x followed by 40 hex digits, not "${first}"`);
  if (command === 'redeliver' && !/^https?:\/\/\S+$/.test(str('upload-url') ?? '')) throw usageError('market redeliver needs --upload-url <http(s) URL>');
  if (command === 'post' && (!str('max-price') || !str('max-hours'))) throw usageError('market post needs --max-price <USD per hour> and --max-hours <hours>');
  const account = str('account') === undefined ? undefined : Number(str('account'));

  const dataDir = prepareDataDir(str('data-dir'));
  const { target, provider } = await resolveV2Target({ deploymentFile: str('deployment'), rpcUrl: str('rpc-url'), marketAddress: str('market-address'), dataDir }, command);
  const out = (json: unknown, words: string) => process.stdout.write(values.json ? `${JSON.stringify(jsonOf(json), null, 2)}\n` : `${words}\n`);
  const signer = () => requesterSigner(provider, target, { privateKeyFile: str('private-key-file'), account });
  try {
    switch (command) {
      case 'post': {
        const document = readJobDocument(first, str('upload-url'), str('description'));
        const spec = validateJobSpec(document.job);
        if (!spec.ok) throw new AgentError('bad_spec', spec.reasons.join('; '));
        const maxPrice = parseUsd(str('max-price')!);
        const hours = Number(str('max-hours'));
        const maxDurationSeconds = Math.round(hours * 3600);
        if (!Number.isFinite(hours) || maxDurationSeconds < 1) throw new AgentError('usage', `--max-hours must be a positive number of hours, not "${str('max-hours')}".`);
        if (maxDurationSeconds < spec.spec.maxDurationSeconds) throw new AgentError('usage', `--max-hours (${maxDurationSeconds} s) is shorter than the job's own maxDurationSeconds (${spec.spec.maxDurationSeconds} s).`);
        if (values.preemptible !== undefined && values.preemptible !== spec.spec.preemptible) throw new AgentError('usage', `--preemptible contradicts the spec's "preemptible": ${spec.spec.preemptible}.`);
        const bidWindowSeconds = wholeNumber(str('bid-window'), '--bid-window', 0, 7 * 86_400, 0);
        const replicas = wholeNumber(str('replicas'), '--replicas', 1, 3, 1);
        const deterministic = Boolean(values.deterministic);
        if (replicas > 1 && !deterministic) throw new AgentError('usage', '--replicas above 1 needs --deterministic: replicas are compared by their outputs digest.');
        if (replicas > 1 && spec.spec.preemptible) throw new AgentError('usage', 'A preemptible job can have only one replica.');
        const minProviderSettled = wholeNumber(str('min-provider-record'), '--min-provider-record', 0, 0xffffffff, 0);
        const claimMinutes = Number(str('claim-minutes') ?? '30');
        if (!Number.isFinite(claimMinutes) || claimMinutes <= 0) throw new AgentError('usage', `--claim-minutes must be a positive number, not "${str('claim-minutes')}".`);
        const s = signer();
        const claimBy = (await chainNow(s)) + bidWindowSeconds + Math.round(claimMinutes * 60);
        const posted = await postV2Job(s, target.marketAddress, {
          document, maxPricePerHourMicros: maxPrice, maxDurationSeconds, bidWindowSeconds, claimBy, runBy: claimBy + maxDurationSeconds + SUBMIT_SLACK_SECONDS,
          replicas, deterministic, preemptible: spec.spec.preemptible, minProviderSettled,
        });
        const result = { ...posted, marketVersion: 2, requester: await s.getAddress(), maxPricePerHourMicros: maxPrice, maxDurationSeconds, bidWindowSeconds, replicas, deterministic, minProviderSettled, claimBy, market: target.marketAddress, chainId: target.chainId };
        const how = bidWindowSeconds > 0 ? `auction open until ${new Date(posted.bidEnds * 1000).toISOString()}` : `fixed price ${usdWords(maxPrice)}/h`;
        out(result, `Job ${posted.jobId} posted (tx ${posted.txHash})\n  escrow ${usdWords(posted.escrowMicros)} for ${replicas} replica(s) plus one spare run; ${how}; award or claim by ${new Date(claimBy * 1000).toISOString()}`);
        return 0;
      }
      case 'show': {
        const shown = await showV2Job(provider, target, BigInt(first));
        out(shown, describeV2Job(shown.chain, shown.book));
        return 0;
      }
      case 'accept': {
        const sent = await acceptV2Job(signer(), target.marketAddress, BigInt(first));
        out({ jobId: first, txHash: sent.hash }, `Job ${first} accepted (tx ${sent.hash}): the provider is paid and the rest of the escrow is credited to you (rigshift withdraws it with the market's withdraw).`);
        return 0;
      }
      case 'dispute': {
        const sent = await disputeV2Job(signer(), target.marketAddress, BigInt(first));
        out({ jobId: first, txHash: sent.hash, approveTxHash: sent.approveTxHash, bondMicros: sent.bondMicros }, `Job ${first} disputed (tx ${sent.hash}) with a bond of ${usdWords(sent.bondMicros)}: it reopens for one verifier run; see rigshift market show ${first}.`);
        return 0;
      }
      case 'redeliver': {
        const url = str('upload-url')!;
        const sent = await redeliverV2Job(signer(), target.marketAddress, BigInt(first), url);
        out({ jobId: first, txHash: sent.hash, uploadUrl: url }, `Redelivery of job ${first} to ${url} requested (tx ${sent.hash}).`);
        return 0;
      }
      case 'reputation': {
        const r = await reputationOf(provider, target.marketAddress, first);
        const p = r.provider;
        const q = r.requester;
        out(r, `${r.address} on market ${target.marketAddress}\n` +
          `  as a provider: ${p.settled} runs settled (${p.agreed} in a replica majority), disputes won ${p.disputesWon} / lost ${p.disputesLost}, slashed ${p.slashes}, released ${p.releases}, ${(p.billedSeconds / 3600).toFixed(2)} h billed; score ${r.score}; stake ${usdWords(r.freeStakeMicros)} free, ${usdWords(r.lockedStakeMicros)} locked\n` +
          `  as a requester: ${q.posted} jobs posted, ${q.accepted} results accepted, disputes won ${q.disputesWon} / lost ${q.disputesLost}, ${q.refunds} refunded`);
        return 0;
      }
    }
  } finally {
    provider.destroy();
  }
}
