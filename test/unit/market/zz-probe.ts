
import { createMarketIndexer } from '../../../electron/agent/market/market-indexer';
import { createFakeChain, fakeConnection } from '../../../test/fakes/fake-chain';
import { postedLog } from '../../../test/fakes/market-logs';
import { jobDocument } from '../../../test/unit/market/chain-fixture';
import { recordingLogger } from '../../../test/helpers/silent-logger';
import { tempDir } from '../../../test/helpers/temp-dir';
const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
await (async () => {
  const chain = createFakeChain();
  const pad = 'x'.repeat(3500);
  for (let b = 0; b < 40; b++) chain.mine(Array.from({ length: 250 }, (_, i) => postedLog(MARKET, b * 250 + i + 1, MARKET, jobDocument({ name: `j ${pad}` }))));
  const dir = tempDir('cc-');
  const log = createMarketIndexer({ connection: () => fakeConnection(chain, MARKET), reportFailure: (e) => console.log(e), dataDir: dir.path, logger: recordingLogger().logger, clock: { now: () => new Date() }, confirmations: () => 0, reopenClaimWindow: async () => 300 });
  const t = performance.now();
  await log.poll();
  console.log('ingest ms', performance.now() - t, log.book.size(), log.bytesWritten());
})();
