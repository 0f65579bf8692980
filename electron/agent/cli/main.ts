/**
 * `rigshift` command line: detect, bench, headless, run-job. Every command has --help and fails
 * with exit code 1 and one line saying why (and what to do), never a stack trace.
 */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import pkg from '../../../package.json';
import { AgentError } from '../../../shared/api/result';
import { runBench } from './bench-command';
import { HELP } from './commands';
import { runDetect } from './detect-command';
import { runDevnet } from './devnet-command';
import { runMarketDeploy } from './market-deploy-command';
import { runMarketPost } from './market-post-command';
import { isV2Post, MARKET_V2_COMMANDS, runMarketV2 } from './market-v2-command';
import { MARKET_V2_HELP } from './market-v2-help';
import { networkFromDeployment, readMarketDeployment } from '../deploy/market-deployment-file';
import type { NetworkSettings } from '../../../shared/domain/settings';
import { runHeadless } from './headless-command';
import { runJobCommand } from './run-job-command';
import { escapeUntrusted } from '../../../shared/domain/untrusted-text';

class UsageError extends Error {}

const helpOption = { help: { type: 'boolean', short: 'h' } } as const;

/** parseArgs with its errors turned into one-line usage errors. */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(`${HELP.main}\n`);
    return 0;
  }
  if (command === '-v' || command === '--version') {
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  switch (command) {
    case 'detect': {
      const { values } = usage(() =>
        parseArgs({ args: rest, strict: true, options: { ...helpOption, json: { type: 'boolean' } } }),
      );
      if (values.help) return help('detect');
      return runDetect({ json: Boolean(values.json) });
    }
    case 'bench': {
      const { values } = usage(() =>
        parseArgs({
          args: rest,
          strict: true,
          options: {
            ...helpOption,
            json: { type: 'boolean' },
            cpu: { type: 'boolean' },
            gpu: { type: 'string' },
            quick: { type: 'boolean' },
            'data-dir': { type: 'string' },
          },
        }),
      );
      if (values.help) return help('bench');
      if (values.cpu && values.gpu) throw new UsageError('--cpu and --gpu cannot be used together');
      return runBench({
        json: Boolean(values.json),
        target: values.cpu ? { kind: 'cpu' } : values.gpu ? { kind: 'gpu', gpuUuid: values.gpu } : { kind: 'auto' },
        quick: Boolean(values.quick),
        dataDir: values['data-dir'],
      });
    }
    case 'headless': {
      const { values } = usage(() =>
        parseArgs({
          args: rest,
          strict: true,
          options: {
            ...helpOption,
            port: { type: 'string' },
            'data-dir': { type: 'string' },
            'quick-bench': { type: 'boolean' },
            'run-job': { type: 'string' },
            'wallet-password-file': { type: 'string' },
            'allow-lan': { type: 'boolean' },
            'lan-address': { type: 'string' },
            'lan-port': { type: 'string' },
            network: { type: 'string' },
            'rpc-url': { type: 'string' },
            'chain-id': { type: 'string' },
            'market-address': { type: 'string' },
            'deployment-block': { type: 'string' },
            deployment: { type: 'string' },
            'no-devnet': { type: 'boolean' },
          },
        }),
      );
      if (values.help) return help('headless');
      const network = networkOption(values);
      const lan = lanOption(values['allow-lan'], values['lan-address'], values['lan-port']);
      const port = values.port === undefined ? 0 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`--port must be a whole number from 0 to 65535, not "${String(values.port)}"`);
      }
      return runHeadless({
        port,
        dataDir: values['data-dir'],
        quickBench: Boolean(values['quick-bench']),
        runJob: values['run-job'],
        walletPasswordFile: values['wallet-password-file'],
        lan,
        network,
        noDevnet: Boolean(values['no-devnet']),
      });
    }
    case 'devnet': {
      const { values } = usage(() =>
        parseArgs({
          args: rest,
          strict: true,
          options: { ...helpOption, port: { type: 'string' }, 'data-dir': { type: 'string' }, demo: { type: 'boolean' }, 'market-version': { type: 'string' } },
        }),
      );
      if (values.help) return help('devnet');
      const marketVersion = values['market-version'];
      if (marketVersion !== undefined && marketVersion !== '1' && marketVersion !== '2') throw new UsageError(`--market-version must be 1 or 2, not "${marketVersion}"`);
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
        throw new UsageError(`--port must be a whole number from 1 to 65535, not "${String(values.port)}"`);
      }
      return runDevnet({ port, dataDir: values['data-dir'], demo: Boolean(values.demo), marketVersion: marketVersion === undefined ? undefined : marketVersion === '2' ? 2 : 1 });
    }
    case 'market': {
      const [sub, ...subArgs] = rest;
      if (!sub || sub === '-h' || sub === '--help') return help('market');
      if (sub === 'deploy') return marketDeploy(subArgs);
      // v2: show, accept, dispute, redeliver, reputation; post with a v2 option (market-v2-command.ts).
      if ((MARKET_V2_COMMANDS as readonly string[]).includes(sub)) return runMarketV2(sub as (typeof MARKET_V2_COMMANDS)[number], subArgs, (m) => new UsageError(m));
      if (sub === 'post' && isV2Post(subArgs)) return runMarketV2('post', subArgs, (m) => new UsageError(m));
      if (sub !== 'post') throw new UsageError(`unknown market command "${sub}" (try: rigshift market --help)`);
      const { values, positionals } = usage(() =>
        parseArgs({
          args: subArgs,
          strict: true,
          allowPositionals: true,
          options: {
            ...helpOption,
            'max-price': { type: 'string' },
            'max-hours': { type: 'string' },
            'claim-minutes': { type: 'string' },
            preemptible: { type: 'boolean' },
            'upload-url': { type: 'string' },
            description: { type: 'string' },
            'rpc-url': { type: 'string' },
            'market-address': { type: 'string' },
            'private-key-file': { type: 'string' },
            account: { type: 'string' },
            'data-dir': { type: 'string' },
            json: { type: 'boolean' },
          },
        }),
      );
      if (values.help) {
        // v1's post, then v2's options (a post with any of them, or --deployment, goes to a v2 market).
        process.stdout.write(`${HELP.market}\n\n${MARKET_V2_HELP.post}\n`);
        return 0;
      }
      if (positionals.length !== 1) throw new UsageError('market post needs exactly one job spec file (try: rigshift market --help)');
      if (values['max-price'] === undefined || values['max-hours'] === undefined) {
        throw new UsageError('market post needs --max-price <USD per hour> and --max-hours <hours>');
      }
      if (values['private-key-file'] && values.account !== undefined) throw new UsageError('--private-key-file and --account cannot be used together');
      return runMarketPost({
        specPath: positionals[0]!,
        maxPrice: values['max-price'],
        maxHours: values['max-hours'],
        claimMinutes: values['claim-minutes'],
        preemptible: values.preemptible,
        uploadUrl: values['upload-url'],
        description: values.description,
        rpcUrl: values['rpc-url'],
        marketAddress: values['market-address'],
        privateKeyFile: values['private-key-file'],
        account: values.account,
        dataDir: values['data-dir'],
        json: Boolean(values.json),
      });
    }
    case 'run-job': {
      const { values, positionals } = usage(() =>
        parseArgs({
          args: rest,
          strict: true,
          allowPositionals: true,
          options: {
            ...helpOption,
            json: { type: 'boolean' },
            'data-dir': { type: 'string' },
            runtime: { type: 'string' },
          },
        }),
      );
      if (values.help) return help('run-job');
      if (positionals.length !== 1) throw new UsageError('run-job needs exactly one job spec file (try: rigshift run-job --help)');
      const runtime = values.runtime;
      if (runtime !== undefined && runtime !== 'runc' && runtime !== 'runsc') {
        throw new UsageError(`--runtime must be runc or runsc, not "${runtime}"`);
      }
      return runJobCommand({ specPath: positionals[0]!, json: Boolean(values.json), dataDir: values['data-dir'], runtime });
    }
    default:
      throw new UsageError(`unknown command "${command}" (try: rigshift --help)`);
  }
}

/** `rigshift market deploy …` (see market-deploy-command.ts). */
function marketDeploy(args: string[]): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        ...helpOption,
        'rpc-url': { type: 'string' },
        token: { type: 'string' },
        'private-key-file': { type: 'string' },
        'private-key': { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        'min-stake': { type: 'string' },
        'fee-bps': { type: 'string' },
        'fee-recipient': { type: 'string' },
        'challenge-seconds': { type: 'string' },
        'market-version': { type: 'string' },
      },
    }),
  );
  if (values.help) return Promise.resolve(help('marketDeploy'));
  // Declared only to refuse it with a reason: a key on the command line is readable by every user (ps).
  if (values['private-key'] !== undefined) {
    throw new UsageError('a private key is never taken on the command line (other users can read it); use --private-key-file <file> (chmod 600) or type it at the prompt');
  }
  if (positionals.length > 0) throw new UsageError(`market deploy takes no file argument ("${positionals[0]}"); the output file is --out <file>`);
  if (!values['rpc-url'] || !values.token) throw new UsageError('market deploy needs --rpc-url <url> and --token <0x… 6-decimal stablecoin>');
  return runMarketDeploy({
    rpcUrl: values['rpc-url'],
    token: values.token,
    privateKeyFile: values['private-key-file'],
    out: values.out,
    json: Boolean(values.json),
    minStake: values['min-stake'],
    feeBps: values['fee-bps'],
    feeRecipient: values['fee-recipient'],
    challengeSeconds: values['challenge-seconds'],
    marketVersion: values['market-version'],
  });
}

/** settings.network from headless's --network options, or undefined to keep the saved one. */
function networkOption(values: {
  network?: string;
  'rpc-url'?: string;
  'chain-id'?: string;
  'market-address'?: string;
  'deployment-block'?: string;
  deployment?: string;
}): NetworkSettings | undefined {
  if (values['deployment-block'] !== undefined && (values.deployment !== undefined || values.network === 'devnet')) {
    throw new UsageError('--deployment-block is for --network custom (a deployment file already has it)');
  }
  if (values.deployment !== undefined) {
    // A deployment file names the chain and the market; --rpc-url may point elsewhere (another endpoint of the same chain).
    if (values.network !== undefined && values.network !== 'custom') throw new UsageError('--deployment is a custom network; leave --network out');
    if (values['chain-id'] !== undefined || values['market-address'] !== undefined) {
      throw new UsageError('--deployment already names the chain id and the market; leave --chain-id and --market-address out');
    }
    const rpcUrl = values['rpc-url'];
    if (rpcUrl !== undefined && !/^https?:\/\/\S+$/.test(rpcUrl)) throw new UsageError(`--rpc-url must be an http(s) URL, not "${rpcUrl}"`);
    return networkFromDeployment(readMarketDeployment(values.deployment), rpcUrl);
  }
  const custom = values['rpc-url'] !== undefined || values['chain-id'] !== undefined || values['market-address'] !== undefined;
  const kind = values.network ?? (custom ? 'custom' : undefined);
  if (kind === undefined) return undefined;
  if (kind === 'devnet') {
    if (custom) throw new UsageError('--rpc-url, --chain-id and --market-address are for --network custom');
    return { kind: 'devnet' };
  }
  if (kind !== 'custom') throw new UsageError(`--network must be devnet or custom, not "${kind}"`);
  const rpcUrl = values['rpc-url'];
  const chainId = Number(values['chain-id']);
  const marketAddress = values['market-address'];
  if (!rpcUrl || !values['chain-id'] || !marketAddress) {
    throw new UsageError('--network custom needs --rpc-url, --chain-id and --market-address');
  }
  if (!/^https?:\/\/\S+$/.test(rpcUrl)) throw new UsageError(`--rpc-url must be an http(s) URL, not "${rpcUrl}"`);
  if (!Number.isInteger(chainId) || chainId < 1) throw new UsageError(`--chain-id must be a positive whole number, not "${values['chain-id']}"`);
  if (!/^0x[0-9a-fA-F]{40}$/.test(marketAddress)) throw new UsageError(`--market-address must be 0x followed by 40 hex digits, not "${marketAddress}"`);
  const block = values['deployment-block'];
  if (block !== undefined && !/^[0-9]{1,15}$/.test(block)) throw new UsageError(`--deployment-block must be a whole block number, not "${block}"`);
  return { kind: 'custom', rpcUrl, chainId, marketAddress, ...(block === undefined ? {} : { deploymentBlock: Number(block) }) };
}

/** --allow-lan is the opt-in; --lan-address and --lan-port only refine it. */
function lanOption(allow: boolean | undefined, address: string | undefined, portText: string | undefined) {
  if (!allow) {
    if (address !== undefined || portText !== undefined) throw new UsageError('--lan-address and --lan-port need --allow-lan');
    return undefined;
  }
  const host = address ?? '0.0.0.0';
  if (!isIP(host)) throw new UsageError(`--lan-address must be an IP address of this machine, not "${host}"`);
  const port = portText === undefined ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--lan-port must be a whole number from 0 to 65535, not "${String(portText)}"`);
  }
  return { host, port };
}

function help(command: keyof typeof HELP): number {
  process.stdout.write(`${HELP[command]}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Messages may quote a spec's names or a job's text: written out, never acting on the terminal.
    if (error instanceof UsageError) process.stderr.write(`rigshift: ${escapeUntrusted(error.message)}\n`);
    else if (error instanceof AgentError) {
      process.stderr.write(`rigshift: ${escapeUntrusted(error.message)}${error.hint ? ` ${escapeUntrusted(error.hint)}` : ''}\n`);
    } else process.stderr.write(`rigshift: ${escapeUntrusted(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
