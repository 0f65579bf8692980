/**
 * Issue 12, deliver 2: the Market page and the dashboard on a v2 market, in Chromium against
 * `rigshift headless`. The agent here has no v2 market, so the page's two market calls
 * (getMarket, getMarketJob) are answered with what the v2 builders make of books folded from
 * v2 logs (the asks 0.10 / 0.12 / 0.15 auction won at 0.12; a requester with a lost dispute);
 * the agent's own marketStatus pushes are held back; everything else is the real agent. Checks the auction, its countdown, the requester's
 * record and the owner's reputation card, and that a hostile job name stays text.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2MarketJobDetail, v2MarketOverview, v2StatusExtras } from '../../electron/agent/market-v2/v2-market-view';
import type { MarketStatus } from '../../shared/domain/market';
import { v2Log } from '../fakes/market-v2-logs';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { callAgent, type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { chromium, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';
import { A, B, C, chainBook, DOC, H, MARKET, OPTIONS, REQUESTER, sourceOf } from '../unit/market-v2/v2-view-fixture';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium());

const NOW = Math.floor(Date.now() / 1000);
/** JobPosted with deadlines around now (the fake's own helper has fixed ones). */
const postedNow = (id: number, bidWindow: number) =>
  v2Log(MARKET, 'JobPosted', [id, REQUESTER, `0x${'ab'.repeat(32)}`, 400_000n, bidWindow ? NOW + bidWindow : 0, [DOC, 200_000n, 3600, bidWindow, NOW + 600, NOW + 9000, 1, true, false, 0]]);

describe.skipIf(!ready)('a v2 market on the Market page and the dashboard (Chromium, rigshift headless)', () => {
  const dir = tempDir('rigshift-e2e-v2-page-');
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    agent = await startHeadlessAgent(['--data-dir', dir.path]);
    const { book } = await chainBook([
      // Job 1: an auction we won (asks 0.10 / 0.12 / 0.15), running. Job 2: open, closes in 2 min.
      [postedNow(1, 30), postedNow(2, 120)],
      [v2Log(MARKET, 'BidPlaced', [1, B, 120_000n, 1]), v2Log(MARKET, 'BidPlaced', [1, A, 100_000n, 1]), v2Log(MARKET, 'BidPlaced', [1, C, 150_000n, 1])],
      [v2Log(MARKET, 'AuctionClosed', [1, 1, 120_000n, 3]), v2Log(MARKET, 'SlotAssigned', [1, 0, A, 120_000n, 0])],
      // Job 3: a fixed-price job whose requester disputed an honest result and lost.
      [postedNow(3, 0), v2Log(MARKET, 'SlotAssigned', [3, 0, A, 200_000n, 0]), v2Log(MARKET, 'Committed', [3, 0, A, H(1), 60]), v2Log(MARKET, 'ResultSubmitted', [3, 0, A, H(1), 60])],
      [v2Log(MARKET, 'Disputed', [3, REQUESTER, 200_000n]), v2Log(MARKET, 'RoundOpened', [3, 2, 2, 0, NOW + 600, NOW + 9000])],
      [v2Log(MARKET, 'SlotAssigned', [3, 1, B, 200_000n, 2]), v2Log(MARKET, 'Committed', [3, 1, B, H(2), 70])],
      [v2Log(MARKET, 'Revealed', [3, 0, A, H(5)]), v2Log(MARKET, 'Revealed', [3, 1, B, H(5)])],
      [v2Log(MARKET, 'SlotPaid', [3, 0, A, 3_333n, 33n]), v2Log(MARKET, 'SlotPaid', [3, 1, B, 3_888n, 38n]), v2Log(MARKET, 'DisputeResolved', [3, A, true, false]), v2Log(MARKET, 'JobSettled', [3, REQUESTER, 0n, false])],
    ]);
    const source = sourceOf(book, A, NOW);
    const real = (await callAgent<{ status: MarketStatus }>(agent, 'getMarket', { limit: 1 })).status;
    const status: MarketStatus = { ...real, ...v2StatusExtras(source, OPTIONS) };
    browser = await launchChromium();
    // axe needs a page of a context of its own.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    errors = watchPageErrors(page);
    // The real agent has no v2 market: its own marketStatus pushes (v1, chain off) would
    // replace the v2 status the page got from getMarket, so they are held back; every other
    // event goes through.
    await page.routeWebSocket('**/api/events', (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (typeof message === 'string' && message.includes('"marketStatus"')) return;
        ws.send(message);
      });
    });
    await page.route('**/api/call/getMarket', (route) => route.fulfill({ json: { ok: true, value: v2MarketOverview(source, status, OPTIONS) } }));
    await page.route('**/api/call/getMarketJob', async (route) => {
      const { chainJobId } = route.request().postDataJSON() as { chainJobId: string };
      await route.fulfill({ json: { ok: true, value: v2MarketJobDetail(source, chainJobId, OPTIONS) } });
    });
    await page.goto(agent.url);
    await page.click('[data-testid="wizard-skip-all"]');
    await page.locator('[data-testid="renting-state"]').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    if (agent) expect(await agent.stop()).toBe(0);
    dir.cleanup();
  });

  it('the dashboard shows the owner’s own record (v2 only)', async () => {
    const card = page.locator('[data-testid="dashboard-reputation"]');
    await card.waitFor();
    // Job 3: paid and a dispute won; job 1 still running.
    expect(await card.getAttribute('data-score')).toBe('1');
    expect(await page.textContent('[data-testid="reputation-settled"] dd')).toBe('1');
    expect(await page.textContent('[data-testid="reputation-disputesWon"] dd')).toBe('1');
    if (process.env.E2E_SCREENSHOTS) {
      mkdirSync(process.env.E2E_SCREENSHOTS, { recursive: true });
      await card.screenshot({ path: join(process.env.E2E_SCREENSHOTS, 'dashboard-reputation.png') });
    }
  });

  it('the Market page shows the auction won: our ask, the price paid, and an open auction counting down', async () => {
    await page.click('[data-testid="nav-market"]');
    await page.locator('[data-testid="market-mine-1"]').waitFor();
    expect(await page.textContent('[data-testid="market-v2-note-1"]')).toBe('Won · paid $0.12/h');
    expect(await page.textContent('[data-testid="market-state-1"]')).toBe('Won, starting');
    expect(await page.textContent('[data-testid="market-v2-note-2"]')).toMatch(/^Auction · 0 bids · closes in 1 min$|^Auction · 0 bids · closes in 2 min$/);
    expect(await page.textContent('[data-testid="market-v2-requester-note-2"]')).toBe('3 posted · 1 dispute lost');
    await page.click('[data-testid="market-mine-1"]');
    const auction = page.locator('[data-testid="market-v2-auction-1"]');
    await auction.waitFor();
    expect(await auction.getAttribute('data-outcome')).toBe('won');
    expect(await auction.textContent()).toBe('Won Won: you asked $0.10/h and are paid $0.12/h');
    expect(await page.textContent('[data-testid="market-v2-price-1"]')).toBe('$0.12/h');
    expect(await page.textContent('[data-testid="market-v2-requester-1"]')).toBe('3 posted · 0 accepted · disputes won 0, lost 1 · 0 refunds');
    expect(await page.getAttribute('[data-testid="market-v2-rule-1"]', 'data-excluded')).toBe('false');
    // The job's name is the requester's text: shown as text, never markup.
    expect(await page.locator('[data-testid="market-mine-1"] b').count()).toBe(0);
    expect(await page.textContent('[data-testid="market-mine-1"] th')).toContain('<b>render</b>');
  });

  it('the disputed job says who won the dispute', async () => {
    await page.click('[data-testid="market-mine-3"]');
    const dispute = page.locator('[data-testid="market-v2-dispute-3"]');
    await dispute.waitFor();
    expect(await dispute.getAttribute('data-dispute')).toBe('upheld');
    expect(await dispute.textContent()).toMatch(/^Dispute lost by the requester/);
    if (process.env.E2E_SCREENSHOTS) {
      mkdirSync(process.env.E2E_SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(process.env.E2E_SCREENSHOTS, 'market-v2.png'), fullPage: true });
    }
    // Two details open (the won auction and the dispute), lists full: no serious or critical
    // violation on the whole page. (The lists' rows carried aria-expanded, which a table row
    // may not: axe's aria-conditional-attr; the Details button in each row carries it.)
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary}`).join(' | ')}`)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
