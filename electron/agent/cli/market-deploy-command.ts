/**
 * `rigshift market deploy --rpc-url U --token 0x… [--private-key-file F] [--out FILE]`:
 * deploys the market to any EVM chain with a 6-decimal stablecoin and writes the deployment
 * file the agent imports (`rigshift headless --deployment FILE`). The key comes from a file
 * readable only by its owner, or is typed at a prompt that does not echo; never from argv,
 * where every user of the machine could read it in the process list.
 */
import { statSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseUnits } from 'ethers';
import { AgentError } from '../../../shared/api/result';
import { DEFAULT_MARKET_PARAMS, deployMarket, type MarketParams } from '../deploy/deploy-market';
import { writeMarketDeployment } from '../deploy/market-deployment-file';

export interface MarketDeployOptions {
  rpcUrl?: string;
  token?: string;
  privateKeyFile?: string;
  out?: string;
  json: boolean;
  minStake?: string;
  feeBps?: string;
  feeRecipient?: string;
  challengeSeconds?: string;
  /** "1" (default) or "2". */
  marketVersion?: string;
}

/** A private key from a file that only its owner can read (one 0x-prefixed key, whitespace trimmed). */
export function readPrivateKeyFile(path: string, platform: NodeJS.Platform = process.platform): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    throw new AgentError('key_file', `Cannot read ${path}: ${(error as Error).message}`, 'Pass a file that holds one 0x-prefixed private key.');
  }
  if (platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new AgentError('key_file', `${path} can be read by other users (mode ${(mode & 0o777).toString(8)}).`, `Run: chmod 600 ${path}`);
  }
  const key = readFileSync(path, 'utf8').trim();
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) throw new AgentError('key_file', `${path} does not hold a private key.`, 'It must contain one 0x-prefixed 64-hex-digit key.');
  return key.startsWith('0x') ? key : `0x${key}`;
}

/** Asks for the key on the terminal without echoing it. */
async function promptPrivateKey(): Promise<string> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new AgentError('no_key', 'No deployer key: --private-key-file was not given and there is no terminal to type it in.', 'Pass --private-key-file <file> (chmod 600), or run the command in a terminal.');
  }
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    const answer = await new Promise<string>((resolveAnswer) => {
      rl.question('Deployer private key (not shown): ', resolveAnswer);
      muted = true;
    });
    process.stderr.write('\n');
    const key = answer.trim();
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) throw new AgentError('key_file', 'That is not a private key.', 'It must be 64 hex digits, with or without 0x.');
    return key.startsWith('0x') ? key : `0x${key}`;
  } finally {
    rl.close();
  }
}

function parseParams(options: MarketDeployOptions): MarketParams {
  const params: MarketParams = { ...DEFAULT_MARKET_PARAMS };
  if (options.minStake !== undefined) {
    if (!/^[0-9]+(\.[0-9]{1,6})?$/.test(options.minStake) || parseUnits(options.minStake, 6) === 0n) {
      throw new AgentError('usage', `--min-stake must be a positive amount of US dollars with at most 6 decimals, not "${options.minStake}".`);
    }
    params.minStakeMicros = parseUnits(options.minStake, 6);
  }
  if (options.feeBps !== undefined) {
    const bps = Number(options.feeBps);
    if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw new AgentError('usage', `--fee-bps must be a whole number from 0 to 10000, not "${options.feeBps}".`);
    params.feeBps = bps;
  }
  if (options.challengeSeconds !== undefined) {
    const seconds = Number(options.challengeSeconds);
    if (!Number.isInteger(seconds) || seconds < 0) throw new AgentError('usage', `--challenge-seconds must be a whole number of seconds, not "${options.challengeSeconds}".`);
    params.challengeWindowSeconds = seconds;
  }
  if (options.feeRecipient !== undefined) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(options.feeRecipient)) throw new AgentError('usage', `--fee-recipient must be 0x followed by 40 hex digits, not "${options.feeRecipient}".`);
    params.feeRecipient = options.feeRecipient;
  }
  return params;
}

/** `--market-version`: v2 unless the legacy v1 is asked for by name (what agents and the devnet default to). */
export function deployMarketVersion(flag: string | undefined): 1 | 2 {
  if (flag === undefined) return 2;
  if (flag !== '1' && flag !== '2') throw new AgentError('usage', `--market-version must be 1 or 2, not "${flag}".`);
  return flag === '1' ? 1 : 2;
}

export async function runMarketDeploy(options: MarketDeployOptions): Promise<number> {
  if (!options.rpcUrl || !options.token) throw new AgentError('usage', 'market deploy needs --rpc-url <url> and --token <0x… stablecoin address>.', 'See: rigshift market deploy --help');
  if (!/^https?:\/\/\S+$/.test(options.rpcUrl)) throw new AgentError('usage', `--rpc-url must be an http(s) URL, not "${options.rpcUrl}".`);
  if (!/^0x[0-9a-fA-F]{40}$/.test(options.token)) throw new AgentError('usage', `--token must be 0x followed by 40 hex digits, not "${options.token}".`);
  const params = parseParams(options);
  const marketVersion = deployMarketVersion(options.marketVersion);
  const privateKey = options.privateKeyFile ? readPrivateKeyFile(options.privateKeyFile) : await promptPrivateKey();
  const deployment = await deployMarket({
    rpcUrl: options.rpcUrl,
    tokenAddress: options.token,
    privateKey,
    params,
    marketVersion,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  const out = resolve(options.out ?? `rigshift-deployment-${deployment.chainId}.json`);
  await writeMarketDeployment(out, deployment);
  if (options.json) process.stdout.write(`${JSON.stringify({ ...deployment, file: out }, null, 2)}\n`);
  else {
    process.stdout.write(
      `Market ${deployment.market} deployed on chain ${deployment.chainId} in block ${deployment.deploymentBlock} (tx ${deployment.deployTxHash})\n` +
        `  token ${deployment.tokenSymbol} ${deployment.token}; deployment file: ${out}\n` +
        `  Point an agent at it: rigshift headless --deployment ${out}\n` +
        (marketVersion === 2 ? `  Post jobs on it: rigshift market post … --deployment ${out}\n` : `  (the legacy v1 market)\n`),
    );
  }
  return 0;
}
