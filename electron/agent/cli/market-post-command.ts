/**
 * `rigshift market post <spec.json> --max-price <USD/h> --max-hours <h>`: the requester's
 * side for the devnet and tests. Approves exactly the escrow, posts, prints the job id.
 */
import { readFileSync } from 'node:fs';
import { parseUnits } from 'ethers';
import { AgentError } from '../../../shared/api/result';
import { validateJobSpec } from '../../../shared/domain/job-spec-validation';
import { type MarketJobDocument, MARKET_JOB_DOCUMENT_VERSION, MarketJobDocumentSchema } from '../../../shared/domain/market-job';
import { prepareDataDir } from '../node-adapters/data-dir';
import { chainNow, postMarketJob } from '../requester/post-job';
import { requesterProvider, requesterSigner, resolveRequesterTarget } from '../requester/requester-signer';

export interface MarketPostOptions {
  specPath: string;
  maxPrice: string;
  maxHours: string;
  claimMinutes?: string;
  preemptible?: boolean;
  uploadUrl?: string;
  description?: string;
  rpcUrl?: string;
  marketAddress?: string;
  privateKeyFile?: string;
  account?: string;
  dataDir?: string;
  json: boolean;
}

/** Extra time after claimBy + the duration for the provider to upload and submit. */
export const SUBMIT_SLACK_SECONDS = 600;

/** The file may hold a whole job document, or just a job spec (then --upload-url is needed). */
export function readJobDocument(path: string, uploadUrl: string | undefined, description: string | undefined): MarketJobDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AgentError('bad_spec', `Cannot read ${path} as JSON: ${(error as Error).message}`, 'Pass a job spec or a job document file.');
  }
  const isDocument = typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'rigshift-job';
  const candidate = isDocument
    ? { ...(raw as object), ...(uploadUrl ? { upload: { url: uploadUrl } } : {}), ...(description ? { description } : {}) }
    : { kind: 'rigshift-job', version: MARKET_JOB_DOCUMENT_VERSION, job: raw, upload: uploadUrl ? { url: uploadUrl } : undefined, ...(description ? { description } : {}) };
  if (!isDocument && !uploadUrl) {
    throw new AgentError('usage', `${path} is a job spec: the job also needs an upload URL for its results.`, 'Pass --upload-url <url> (the provider PUTs a tar of the outputs there).');
  }
  const parsed = MarketJobDocumentSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AgentError('bad_spec', `The job document is invalid${issue?.path.length ? ` at ${issue.path.join('.')}` : ''}: ${issue?.message ?? 'malformed'}.`);
  }
  const validation = validateJobSpec(parsed.data.job);
  if (!validation.ok) {
    throw new AgentError('bad_spec', `The job spec would be refused by providers: ${validation.reasons.join('; ')}`, 'Fix the spec (rigshift run-job checks it the same way).');
  }
  return parsed.data;
}

export function parseUsd(value: string): bigint {
  try {
    if (!/^[0-9]+(\.[0-9]{1,6})?$/.test(value)) throw new Error('format');
    return parseUnits(value, 6);
  } catch {
    throw new AgentError('usage', `--max-price must be US dollars per hour with at most 6 decimals (e.g. 0.25), not "${value}".`);
  }
}

export async function runMarketPost(options: MarketPostOptions): Promise<number> {
  const document = readJobDocument(options.specPath, options.uploadUrl, options.description);
  const spec = validateJobSpec(document.job);
  if (!spec.ok) throw new AgentError('bad_spec', spec.reasons.join('; '));
  const maxPrice = parseUsd(options.maxPrice);
  const hours = Number(options.maxHours);
  const maxDurationSeconds = Math.round(hours * 3600);
  if (!Number.isFinite(hours) || maxDurationSeconds < 1) throw new AgentError('usage', `--max-hours must be a positive number of hours, not "${options.maxHours}".`);
  if (maxDurationSeconds < spec.spec.maxDurationSeconds) {
    throw new AgentError('usage', `--max-hours (${maxDurationSeconds} s) is shorter than the job's own maxDurationSeconds (${spec.spec.maxDurationSeconds} s).`, 'Pay for at least as long as the job may run.');
  }
  if (options.preemptible !== undefined && options.preemptible !== spec.spec.preemptible) {
    throw new AgentError('usage', `--preemptible contradicts the spec's "preemptible": ${spec.spec.preemptible}.`, 'Make them agree (or leave --preemptible out to follow the spec).');
  }
  const claimMinutes = Number(options.claimMinutes ?? '30');
  if (!Number.isFinite(claimMinutes) || claimMinutes <= 0) throw new AgentError('usage', `--claim-minutes must be a positive number, not "${options.claimMinutes}".`);
  const account = options.account === undefined ? undefined : Number(options.account);

  const dataDir = prepareDataDir(options.dataDir);
  const target = await resolveRequesterTarget({ rpcUrl: options.rpcUrl, marketAddress: options.marketAddress, dataDir });
  const provider = requesterProvider(target);
  try {
    const signer = requesterSigner(provider, target, { privateKeyFile: options.privateKeyFile, account });
    const now = await chainNow(signer);
    const claimBy = now + Math.round(claimMinutes * 60);
    const posted = await postMarketJob(signer, target.marketAddress, {
      document,
      maxPricePerHourMicros: maxPrice,
      maxDurationSeconds,
      claimBy,
      runBy: claimBy + maxDurationSeconds + SUBMIT_SLACK_SECONDS,
      preemptible: spec.spec.preemptible,
    });
    const result = {
      jobId: posted.jobId.toString(),
      txHash: posted.txHash,
      approveTxHash: posted.approveTxHash,
      requester: await signer.getAddress(),
      escrowMicros: posted.escrowMicros.toString(),
      maxPricePerHourMicros: maxPrice.toString(),
      maxDurationSeconds,
      claimBy,
      market: target.marketAddress,
      chainId: target.chainId,
    };
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      process.stdout.write(
        `Job ${result.jobId} posted (tx ${result.txHash})\n` +
          `  escrow ${Number(posted.escrowMicros) / 1e6} USD (${posted.escrowMicros} token units) from ${result.requester}; claim by ${new Date(claimBy * 1000).toISOString()}\n`,
      );
    }
    return 0;
  } finally {
    provider.destroy();
  }
}
