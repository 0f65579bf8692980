/**
 * The requester's upload endpoint fails, through the real parts (composeAgent on a real
 * Hardhat devnet, a real container, a real HTTP endpoint answering 500):
 *  - a job whose upload host name resolves to a non-public address (this machine's own
 *    name) is never claimed: the host is resolved and checked before the claim;
 *  - a job whose endpoint answers 500 is retried with backoff (first retry ≥ 2 s, growing
 *    gaps; today: about 26 uploads a second), and its commitment is submitted before runBy
 *    anyway, so the requester cannot take the provider's stake; the job says the results
 *    were kept on this computer.
 */
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import { hostname } from 'node:os';
import { Contract, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../electron/agent/agent';
import { composeAgent } from '../../electron/agent/compose';
import { MARKET_ABI, marketJobStateName } from '../../electron/agent/chain/market-abi';
import { nonPublicAddressKind } from '../../shared/domain/job-spec-validation';
import type { ProviderJob } from '../../shared/domain/market';
import { DEFAULT_SETTINGS } from '../../shared/domain/settings';
import { buildJobTestImage, busyboxAvailable, type JobTestImage } from '../helpers/job-images';
import { dockerEngine, need } from '../helpers/requirements';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';
import { jobDocument, startChainFixture, type ChainFixture } from '../unit/market/chain-fixture';

const ready = need(dockerEngine()) && need(busyboxAvailable());

describe.skipIf(!ready)('market provider: a failing upload endpoint on the devnet', () => {
  let chain: ChainFixture;
  let image: JobTestImage;
  let agent: Agent;
  let server: http.Server;
  let port = 0;
  const puts: number[] = [];
  const dir = tempDir('rigshift-market-upload-faults-');
  const events: ProviderJob[] = [];
  const wallet = Wallet.createRandom();
  const log = recordingLogger();

  beforeAll(async () => {
    process.env.RIGSHIFT_INSECURE_TEST_SCRYPT_N = '1024';
    image = buildJobTestImage();
    chain = await startChainFixture();
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.method === 'PUT') puts.push(Date.now());
        res.writeHead(500).end('broken');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;

    const settings = structuredClone(DEFAULT_SETTINGS);
    settings.network = { kind: 'custom', rpcUrl: chain.rpcUrl, chainId: 31337, marketAddress: chain.market };
    settings.controls.price = { ...settings.controls.price, floorMicrosPerHour: '100000', neverBelowBreakEven: false };
    settings.controls.presence = { ...settings.controls.presence, idle: { enabled: false, minutes: 10 } };
    settings.market.bidding = true; // a new install waits for "Start renting"
    let stored: unknown = settings;
    agent = composeAgent({
      mode: 'headless',
      dataDir: dir.path,
      resourcesDir: new URL('../../resources', import.meta.url).pathname,
      settingsStore: { read: () => stored, write: (doc) => (stored = doc) },
      logger: log.logger,
      devnet: 'off',
    });
    agent.onEvent((event) => {
      if (event.name === 'marketJob') events.push(event.payload);
    });
    await agent.start({ longRunning: true });
    const imported = await agent.call('importWallet', { source: { kind: 'privateKey', privateKey: wallet.privateKey }, password: 'correct horse battery' });
    expect(imported.ok).toBe(true);
  }, 180_000);

  afterAll(async () => {
    await agent?.stop();
    server?.close();
    await chain?.stop();
    image?.remove();
    dir.cleanup();
  }, 60_000);

  async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 120_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last market events: ${JSON.stringify(events.slice(-2), null, 1)}\nlog: ${JSON.stringify(log.entries.filter((e) => e.level !== 'debug').slice(-15), null, 1)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('never claims a job whose upload host resolves to a non-public address; submits a 500-endpoint job before runBy with backoff', async () => {
    // This machine's own name resolves to one of its own (non-public) addresses.
    const host = hostname();
    const resolved = await lookup(host);
    expect(nonPublicAddressKind(resolved.address)).not.toBeNull();
    const command = ['sh', '-c', 'echo kept > /workspace/out/result.txt'];
    const privateJob = await chain.post({ spec: jobDocument({ name: 'private host', image: image.reference, uploadUrl: `https://${host}/put`, maxDurationSeconds: 20, command }), maxDurationSeconds: 20, claimWindow: 60, runWindow: 70 });
    const failing = await chain.post({ spec: jobDocument({ name: 'failing endpoint', image: image.reference, uploadUrl: `http://127.0.0.1:${port}/put`, maxDurationSeconds: 20, command }), maxDurationSeconds: 20, claimWindow: 60, runWindow: 70 });

    const submitted = await waitFor('the failing-endpoint job to be submitted', () => events.find((e) => e.chainJobId === failing.id && e.state === 'submitted'));
    const market = new Contract(chain.market, MARKET_ABI, chain.direct);
    const onChain = await market.getFunction('getJob')(BigInt(failing.id));
    const latest = (await chain.direct.send('eth_getBlockByNumber', ['latest', false])) as { timestamp: string };
    expect(marketJobStateName(onChain.state as bigint)).toBe('Submitted');
    expect(Number(latest.timestamp)).toBeLessThan(Number(onChain.runBy));
    expect(submitted.delivery).toBe('kept-locally');
    expect(submitted.problem).toMatch(/could not be delivered.*stake is safe/);
    expect(submitted.txs.map((t) => t.kind)).toEqual(['claim', 'submit']);

    // Backoff: a handful of PUTs, the first retry at least 2 s later, each gap longer.
    expect(puts.length).toBeGreaterThanOrEqual(2);
    expect(puts.length).toBeLessThanOrEqual(8);
    const gaps = puts.slice(1).map((t, i) => t - puts[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(1900);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]!);

    // The private-host job was never claimed by us.
    expect(events.some((e) => e.chainJobId === privateJob.id)).toBe(false);
    const privateOnChain = await market.getFunction('getJob')(BigInt(privateJob.id));
    expect(String(privateOnChain.provider).toLowerCase()).not.toBe(wallet.address.toLowerCase());
  }, 200_000);
});
