/**
 * One real agent (composeAgent: chain hub, wallet, market client, job runner, Docker) on a
 * real Hardhat devnet: a posted job is claimed at the owner's price, run in a container,
 * its outputs uploaded to a local PUT endpoint, submitted, accepted by the requester and
 * withdrawn; the wallet's tUSD grows by exactly gross − fee, gross = ask × billed / 3600.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { Contract, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../electron/agent/agent';
import { composeAgent } from '../../electron/agent/compose';
import { MARKET_ABI, TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { DEFAULT_SETTINGS } from '../../shared/domain/settings';
import type { ProviderJob } from '../../shared/domain/market';
import { outputsDigest } from '../../shared/domain/market-job';
import { buildJobTestImage, busyboxAvailable, type JobTestImage } from '../helpers/job-images';
import { dockerEngine, need } from '../helpers/requirements';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';
import { jobDocument, startChainFixture, type ChainFixture } from '../unit/market/chain-fixture';

const ready = need(dockerEngine()) && need(busyboxAvailable());
const FLOOR = 720_000n; // 0.72 USD/h: 200 micros a second

/** Minimal ustar reader: name → content. */
function untar(buf: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  while (offset + 512 <= buf.length) {
    const header = buf.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim(), 8);
    files.set(name, buf.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

describe.skipIf(!ready)('market provider: one agent on the devnet with real containers', () => {
  let chain: ChainFixture;
  let image: JobTestImage;
  let agent: Agent;
  let server: http.Server;
  let uploadUrl: string;
  const uploads: Buffer[] = [];
  const dir = tempDir('rigshift-market-provider-');
  const events: ProviderJob[] = [];
  const wallet = Wallet.createRandom();

  beforeAll(async () => {
    process.env.RIGSHIFT_INSECURE_TEST_SCRYPT_N = '1024';
    image = buildJobTestImage();
    chain = await startChainFixture();
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'PUT') uploads.push(Buffer.concat(chunks));
        res.writeHead(req.method === 'PUT' ? 201 : 405).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    uploadUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/results/1`;

    const settings = structuredClone(DEFAULT_SETTINGS);
    settings.network = { kind: 'custom', rpcUrl: chain.rpcUrl, chainId: 31337, marketAddress: chain.market };
    settings.controls.price = { ...settings.controls.price, floorMicrosPerHour: FLOOR.toString(), neverBelowBreakEven: false };
    settings.controls.presence = { ...settings.controls.presence, idle: { enabled: false, minutes: 10 } };
    settings.market.bidding = true; // a new install waits for "Start renting"
    let stored: unknown = settings;
    agent = composeAgent({
      mode: 'headless',
      dataDir: dir.path,
      resourcesDir: new URL('../../resources', import.meta.url).pathname,
      settingsStore: { read: () => stored, write: (doc) => (stored = doc) },
      logger: recordingLogger().logger,
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

  async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 90_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last market events: ${JSON.stringify(events.slice(-3), null, 1)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('claims at the owner price, runs, uploads, submits, gets accepted and withdraws exactly gross − fee', async () => {
    const token = new Contract(chain.token, TOKEN_ABI, chain.direct);
    const spec = jobDocument({
      name: 'market integration',
      image: image.reference,
      uploadUrl,
      maxDurationSeconds: 300,
      command: ['sh', '-c', 'echo market-result > /workspace/out/result.txt; sleep 2'],
    });
    // A job below the floor first: it must never be claimed.
    const cheap = await chain.post({ spec, maxPricePerHour: FLOOR - 1n, maxDurationSeconds: 300 });
    const job = await chain.post({ spec, maxPricePerHour: 2_000_000n, maxDurationSeconds: 300 });

    const submitted = await waitFor('the job to be submitted', () => events.find((e) => e.chainJobId === job.id && e.state === 'submitted'));
    expect(submitted.askMicrosPerHour).toBe(FLOOR.toString());
    expect(submitted.txs.map((t) => t.kind)).toEqual(['claim', 'submit']);
    expect(submitted.txs.every((t) => t.status === 'confirmed')).toBe(true);
    expect(submitted.localJobId).toMatch(/^market-/);
    expect(submitted.runStartedAt).not.toBeNull();

    // The upload is the tar of the outputs the digest commits to.
    expect(uploads).toHaveLength(1);
    const files = untar(uploads[0] as Buffer);
    const content = files.get('result.txt') as Buffer;
    expect(content.toString()).toBe('market-result\n');
    const manifest = [{ name: 'result.txt', sizeBytes: content.length, sha256: createHash('sha256').update(content).digest('hex') }];
    expect(submitted.outputsDigest).toBe(outputsDigest(manifest));

    const market = new Contract(chain.market, MARKET_ABI, chain.signer(1));
    const onChain = await market.getFunction('getJob')(BigInt(job.id));
    expect(onChain.ask).toBe(FLOOR);
    expect(Number(onChain.billedSeconds)).toBe(submitted.billedSeconds);

    const before = (await token.getFunction('balanceOf')(wallet.address)) as bigint;
    await (await market.getFunction('accept')(BigInt(job.id))).wait();

    const settled = await waitFor('settlement and withdrawal', () =>
      events.find((e) => e.chainJobId === job.id && e.state === 'settled' && e.txs.some((t) => t.kind === 'withdraw')),
    );
    const billed = BigInt(settled.billedSeconds ?? 0);
    expect(billed).toBeGreaterThanOrEqual(1n);
    expect(billed).toBeLessThanOrEqual(300n);
    const gross = (FLOOR * billed) / 3600n;
    const fee = (gross * 100n) / 10_000n;
    expect(settled.grossMicros).toBe(gross.toString());
    expect(settled.feeMicros).toBe(fee.toString());
    await waitFor('the withdrawal to land', () => true);
    const after = (await token.getFunction('balanceOf')(wallet.address)) as bigint;
    expect(after - before).toBe(gross - fee);

    // The cheap job was never claimed by us, and the Market page says why.
    expect(events.some((e) => e.chainJobId === cheap.id)).toBe(false);
    const detail = await agent.call('getMarketJob', { chainJobId: cheap.id });
    expect(detail.ok).toBe(true);
    if (detail.ok) {
      const value = detail.value as { verdict: { fits: boolean; reasons: string[] }; chainState: string };
      expect(value.chainState).toBe('open');
      expect(value.verdict.fits).toBe(false);
      expect(value.verdict.reasons.join()).toMatch(/below your floor/);
    }
  }, 180_000);
});
