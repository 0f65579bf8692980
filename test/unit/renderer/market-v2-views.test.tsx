/**
 * What the owner sees of market v2: the auction, replicas, dispute and requester record in a
 * job's detail, the one-line note in the lists, the dashboard's reputation card, and the
 * Controls page's worked example of the uniform second-price rule and its requester rule.
 * Jobs come from the agent's own builders on books folded from v2 logs (no hand-written views).
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { v2MarketJobView, v2StatusExtras } from '../../../electron/agent/market-v2/v2-market-view';
import { SecondPriceExplanation } from '../../../renderer/features/controls/MarketV2Section';
import { isLoosening, parseRequesterRule, ruleMeaning } from '../../../renderer/features/controls/requester-rule-form';
import { secondPriceExample, uniformSecondPrice } from '../../../renderer/features/controls/second-price';
import { ReputationCard } from '../../../renderer/features/dashboard/ReputationCard';
import { V2JobFactsView, V2RowNote } from '../../../renderer/features/market/V2JobFacts';
import { auctionLine, replicasText, requesterRuleText, requesterShortText, v2StateLabel } from '../../../renderer/features/market/v2-words';
import { v2Log } from '../../fakes/market-v2-logs';
import { A, award, B, BID_ENDS, bids, C, chainBook, H, MARKET, OPTIONS, posted, REQUESTER, sourceOf } from '../market-v2/v2-view-fixture';

const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');

describe('the uniform second-price example (Controls)', () => {
  it('asks 0.10 / 0.12 / 0.15: the 0.10 bidder wins and is paid 0.12', () => {
    expect(uniformSecondPrice(100_000n, [120_000n, 150_000n], 200_000n)).toMatchObject({ youWin: true, paidMicros: 120_000n });
    expect(uniformSecondPrice(150_000n, [100_000n, 120_000n], 200_000n)).toMatchObject({ youWin: false, paidMicros: 120_000n });
    // Nobody lost: the winner is paid the max price.
    expect(uniformSecondPrice(100_000n, [], 200_000n)).toMatchObject({ youWin: true, paidMicros: 200_000n });
  });

  it('is worked out on the owner’s own floor: asking more loses a paying job, asking less can win below the floor', () => {
    const ex = secondPriceExample(250_000n);
    expect(ex).toMatchObject({ floorMicros: 250_000n, ownFloor: true });
    expect(ex.truthful).toMatchObject({ youWin: true, paidMicros: 300_000n });
    expect(ex.above).toMatchObject({ askMicros: 325_000n, youWin: false, paidMicros: 325_000n });
    expect(ex.below).toMatchObject({ askMicros: 200_000n, youWin: true, paidMicros: 225_000n, sameMicros: 300_000n });
    expect(ex.below.paidMicros).toBeLessThan(ex.floorMicros);
    // No floor yet: the issue's own figures stand in, and say so.
    expect(secondPriceExample(0n)).toMatchObject({ floorMicros: 100_000n, ownFloor: false, truthful: { paidMicros: 120_000n } });
    expect(secondPriceExample(null).ownFloor).toBe(false);
  });

  it('renders the example in words with the owner’s figures', () => {
    const html = renderToStaticMarkup(<SecondPriceExplanation example={secondPriceExample(100_000n)} />);
    const words = text(html);
    expect(words).toContain('With your floor of $0.10/h, and two other providers asking $0.12/h and $0.15/h');
    expect(words).toContain('You ask your floor, $0.10/h: you win and are paid $0.12/h, the lowest losing ask: $0.02/h above your floor.');
    expect(words).toContain('You ask more, $0.13/h: the $0.12/h provider wins and is paid $0.13/h. You lose a job that would have paid you $0.12/h.');
    expect(words).toContain('you win and are paid $0.09/h, below your floor');
    expect(html).toContain('data-floor-micros="100000"');
  });
});

describe('the requester rule field', () => {
  it('takes a whole number from 0 to 1000 and says what it does', () => {
    expect(parseRequesterRule(' 3 ')).toEqual({ ok: true, value: 3 });
    expect(parseRequesterRule('0')).toEqual({ ok: true, value: 0 });
    for (const bad of ['', '-1', '2.5', 'two', '1001']) expect(parseRequesterRule(bad).ok).toBe(false);
    expect(ruleMeaning(0)).toMatch(/every requester that ever lost a dispute/);
    expect(ruleMeaning(2)).toMatch(/more than 2 disputes/);
    expect(isLoosening(2, 5)).toBe(true);
    expect(isLoosening(2, 1)).toBe(false);
  });
});

describe('a v2 job on the Market page', () => {
  it('the winner sees the auction won, its ask and the price paid; the loser sees it lost', async () => {
    const { book } = await chainBook([[posted(1)], bids(1), award(1)]);
    const won = v2MarketJobView(sourceOf(book, A, BID_ENDS + 5), book.get('1')!, OPTIONS);
    const html = renderToStaticMarkup(<V2JobFactsView job={won} v2={won.v2!} maxDisputesLost={2} isDevnet />);
    expect(html).toContain('data-outcome="won"');
    expect(text(html)).toContain('Won: you asked $0.10/h and are paid $0.12/h');
    expect(text(html)).toContain('$0.10/h$0.12/h$0.15/h');
    expect(text(html)).toContain('1 posted · 0 accepted · disputes won 0, lost 0 · 0 refunds');
    expect(html).toContain('data-excluded="false"');
    expect(requesterShortText(won.v2!.requesterRecord)).toBe('1 posted · no dispute lost');
    expect(text(renderToStaticMarkup(<V2RowNote job={won} />))).toBe('Won · paid $0.12/h');
    // The story on chain, ours in bold: our bid, the award at the uniform price, our slot.
    expect(won.v2!.history.map((s) => [s.what, s.ours])).toEqual([
      ['Posted: up to $0.20/h, 1 provider, auctioned', false],
      ['A provider bid $0.12/h', false],
      ['We bid $0.10/h', true],
      ['A provider bid $0.15/h', false],
      ['Awarded: every winner is paid $0.12/h (3 bids)', false],
      ['We won a slot at $0.12/h', true],
    ]);
    expect(html).toContain('data-ours="true"');

    const lost = v2MarketJobView(sourceOf(book, C, BID_ENDS + 5), book.get('1')!, OPTIONS);
    expect(auctionLine(lost.v2!.auction!)).toBe('Lost: you asked $0.15/h; the winners are paid $0.12/h');
    expect(text(renderToStaticMarkup(<V2RowNote job={lost} />))).toBe('Lost · paid $0.12/h');
    // v1's badges would mislead: a lost auction is not "claimed by another provider".
    expect(v2StateLabel(lost.mine!.state, lost.v2)).toEqual({ label: 'Auction lost', tone: 'neutral' });
    expect(v2StateLabel(won.mine!.state, won.v2)).toEqual({ label: 'Won, starting', tone: 'active' });
    expect(v2StateLabel('lost-to-other', undefined)).toBeNull();
  });

  it('an open auction counts down to its close in the list', async () => {
    const { book } = await chainBook([[posted(1)], bids(1)]);
    const open = v2MarketJobView(sourceOf(book, A, BID_ENDS - 3), book.get('1')!, OPTIONS);
    const html = renderToStaticMarkup(<V2RowNote job={open} />);
    expect(text(html)).toMatch(/^Auction · 3 bids · closes /);
    expect(html).toContain(`dateTime="${new Date(BID_ENDS * 1000).toISOString()}"`);
  });

  it('a requester that lost a dispute is refused by a rule of 0, with its record shown', async () => {
    const { book } = await chainBook([
      [posted(4, { bidWindowSeconds: 0 })],
      [v2Log(MARKET, 'SlotAssigned', [4, 0, A, 200_000n, 0]), v2Log(MARKET, 'Committed', [4, 0, A, H(1), 60]), v2Log(MARKET, 'ResultSubmitted', [4, 0, A, H(1), 60])],
      [v2Log(MARKET, 'Disputed', [4, REQUESTER, 200_000n]), v2Log(MARKET, 'RoundOpened', [4, 2, 2, 0, 1_700_000_900, 1_700_009_000])],
      [v2Log(MARKET, 'SlotAssigned', [4, 1, B, 200_000n, 2]), v2Log(MARKET, 'Committed', [4, 1, B, H(2), 70])],
      [v2Log(MARKET, 'Revealed', [4, 0, A, H(5)]), v2Log(MARKET, 'Revealed', [4, 1, B, H(5)])],
      [v2Log(MARKET, 'SlotPaid', [4, 0, A, 3_333n, 33n]), v2Log(MARKET, 'SlotPaid', [4, 1, B, 3_888n, 38n]), v2Log(MARKET, 'DisputeResolved', [4, A, true, false]), v2Log(MARKET, 'JobSettled', [4, REQUESTER, 0n, false])],
    ]);
    const job = v2MarketJobView(sourceOf(book, A, BID_ENDS), book.get('4')!, OPTIONS);
    expect(requesterRuleText(job.v2!.requesterRecord, 0)).toEqual({ excluded: true, text: 'Refused by your rule: it lost 1 dispute (you allow 0)' });
    const html = renderToStaticMarkup(<V2JobFactsView job={job} v2={job.v2!} maxDisputesLost={0} isDevnet />);
    expect(html).toContain('data-excluded="true"');
    expect(html).toContain('data-dispute="upheld"');
    expect(text(html)).toContain('Fixed price');
    expect(text(html)).toContain('disputes won 0, lost 1');
    expect(replicasText(job.v2!)).toBe('One provider (no replicas)');
    expect(requesterShortText(job.v2!.requesterRecord)).toBe('1 posted · 1 dispute lost');
  });
});

describe('the dashboard’s reputation card', () => {
  it('shows the owner’s record from the status, slashes marked', async () => {
    const { book } = await chainBook([
      [posted(5, { bidWindowSeconds: 0, replicas: 3 })],
      [v2Log(MARKET, 'SlotAssigned', [5, 0, A, 200_000n, 0]), v2Log(MARKET, 'SlotAssigned', [5, 1, B, 200_000n, 0]), v2Log(MARKET, 'SlotAssigned', [5, 2, C, 200_000n, 0])],
      [v2Log(MARKET, 'Committed', [5, 0, A, H(1), 60]), v2Log(MARKET, 'Committed', [5, 1, B, H(2), 60]), v2Log(MARKET, 'Committed', [5, 2, C, H(3), 60])],
      [v2Log(MARKET, 'Revealed', [5, 0, A, H(7)]), v2Log(MARKET, 'Revealed', [5, 1, B, H(7)]), v2Log(MARKET, 'Revealed', [5, 2, C, H(8)])],
      [v2Log(MARKET, 'SlotPaid', [5, 0, A, 3_333n, 33n]), v2Log(MARKET, 'SlotPaid', [5, 1, B, 3_333n, 33n]), v2Log(MARKET, 'Slashed', [5, 2, C, 5_000_000n]), v2Log(MARKET, 'JobSettled', [5, REQUESTER, 1n, false])],
    ]);
    const honest = v2StatusExtras(sourceOf(book, A, BID_ENDS), OPTIONS).myRecord!;
    const html = renderToStaticMarkup(<ReputationCard record={honest} />);
    expect(html).toContain('data-score="1"');
    expect(text(html)).toContain('Jobs paid1');
    expect(text(html)).toContain('Replicas agreed1');
    expect(text(html)).toContain('Time billed1 min');
    const slashed = v2MarketJobView(sourceOf(book, C, BID_ENDS), book.get('5')!, OPTIONS);
    expect(v2StateLabel(slashed.mine!.state, slashed.v2)).toEqual({ label: 'Slashed', tone: 'bad' });
    const cheater = renderToStaticMarkup(<ReputationCard record={v2StatusExtras(sourceOf(book, C, BID_ENDS), OPTIONS).myRecord!} />);
    expect(cheater).toContain('data-score="-2"');
    expect(cheater).toMatch(/class="[^"]*bad[^"]*" data-testid="reputation-slashes"/);
  });
});
