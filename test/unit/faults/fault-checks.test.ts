/**
 * The fault harness's own judgement (test/faults/): what counts as a transaction sent
 * twice, when a kill point is reached, and that the seeded kill points replay.
 */
import { describe, expect, it } from 'vitest';
import { doubleSends, type MinedTx, terminalName } from '../../faults/fault-checks';
import { KILL_POINTS, killPointOf, seededRandom } from '../../faults/fault-harness';
import type { FaultWorld, WalletTxOnDisk } from '../../faults/fault-world';

const stored = (nonce: number, kind: string): WalletTxOnDisk => ({ id: `t${nonce}`, kind, hash: `0x${nonce}`, nonce, status: 'confirmed', data: '0x' });
const mined = (nonce: number, call: string, jobId: string | null, ok = true): MinedTx => ({ hash: `0x${nonce}`, nonce, call, jobId, ok });
const world = (txs: WalletTxOnDisk[]) => ({ walletTxs: () => txs }) as unknown as FaultWorld;

describe('fault harness checks', () => {
  it('finds no double send in a clean history', () => {
    const txs = [stored(0, 'approve'), stored(1, 'stake'), stored(2, 'claim'), stored(3, 'submit'), stored(4, 'withdraw')];
    expect(doubleSends(world(txs), [mined(0, 'token', null), mined(1, 'depositStake', null), mined(2, 'claim', '1'), mined(3, 'submit', '1'), mined(4, 'withdraw', null)])).toEqual([]);
  });

  it('counts a call repeated for one job, a revert, a nonce stored twice and a send the store does not know', () => {
    const txs = [stored(0, 'claim'), stored(1, 'submit'), stored(2, 'submit'), { ...stored(2, 'submit'), id: 'again' }];
    const problems = doubleSends(world(txs), [mined(0, 'claim', '1'), mined(1, 'submit', '1'), mined(2, 'submit', '1', false), mined(5, 'withdraw', null)]);
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/submit for job 1 mined twice/);
    expect(problems.join('\n')).toMatch(/reverted/);
    expect(problems.join('\n')).toMatch(/nonce 2 holds 2 stored transactions/);
    expect(problems.join('\n')).toMatch(/nonce 5\) was mined but is not in the transaction store/);
  });

  it('calls only Settled and Refunded terminal', () => {
    expect(['Open', 'Claimed', 'Submitted', 'Settled', 'Refunded'].map(terminalName)).toEqual([null, null, null, 'settled', 'refunded']);
  });

  it('takes the named kill points first, then replays the same draws for a seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 30 }, (_, i) => killPointOf(i, a));
    expect(first.slice(0, KILL_POINTS.length)).toEqual([...KILL_POINTS]);
    expect(Array.from({ length: 30 }, (_, i) => killPointOf(i, b))).toEqual(first);
    expect(new Set(first.slice(KILL_POINTS.length)).size).toBeGreaterThan(2);
  });
});
