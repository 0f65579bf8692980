/**
 * RigShiftMarketV2 invariants (fast-check over random multi-actor sequences; the actors, actions
 * and invariant checks are in market-v2-fuzz.ts): conservation, nobody paid twice, every job can
 * end, an honest (majority / upheld) provider is never slashed and is paid at least its ask, a
 * losing digest is never paid, a requester never pays more than maxPrice x duration x replicas
 * plus a bond it lost. Each invariant is also run, alone, against a deliberately broken copy of
 * the contract (a source patch) and must fail there, so none of them is vacuous.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { ALL, type Env, type Invariant, property, setUp } from './market-v2-fuzz';
import { compileV2, patchedV2 } from './market-v2-fixture';

const RUNS = Number(process.env.MARKET_FUZZ_RUNS ?? 40);
const BROKEN_RUNS = Number(process.env.MARKET_FUZZ_BROKEN_RUNS ?? 40);

describe('market v2 invariants (fast-check over random multi-actor sequences)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setUp();
  }, 300_000);

  it(`hold on the contract (${RUNS} runs)`, async () => {
    const stats = new Map<string, number>();
    await property(env, new Set(ALL), RUNS, stats);
    if (process.env.MARKET_FUZZ_STATS) console.log(Object.fromEntries(stats));
    // A generator that never reaches a path would make the property vacuous there.
    for (const name of ['post', 'bid', 'award', 'claim', 'commit', 'reveal', 'release', 'accept', 'dispute', 'finalize', 'conclude', 'withdraw', 'JobSettled', 'Slashed', 'DisputeResolved', 'RoundOpened']) {
      expect(stats.get(name) ?? 0, `successful ${name}`).toBeGreaterThan(0);
    }
  }, 600_000);
});

/** Each invariant against a contract broken on purpose: the property must find the break. */
const BROKEN: { invariant: Invariant; why: string; patches: [string, string][] }[] = [
  { invariant: 'conservation', why: 'the requester is credited one unit more than the rest of the escrow', patches: [['if (rest > 0) credit[job.requester] += rest;', 'credit[job.requester] += rest + 1;']] },
  {
    invariant: 'paid-twice',
    why: 'finalize also accepts a settled job and paying does not unlock the stake',
    patches: [
      ['if (job.state != State.Submitted) revert NotSubmitted(id, job.state);\n        uint256 endsAt = uint256(job.submittedAt) + challengeWindow;\n        if (block.timestamp <= endsAt)', 'if (job.state != State.Submitted && job.state != State.Settled) revert NotSubmitted(id, job.state);\n        uint256 endsAt = uint256(job.submittedAt) + challengeWindow;\n        if (block.timestamp <= endsAt)'],
      ['        _unlockStake(s.provider);\n        s.status = SlotStatus.Done;\n    }\n\n    /// gross', '        s.status = SlotStatus.Done;\n    }\n\n    /// gross'],
    ],
  },
  { invariant: 'can-end', why: 'a running replicated round can never be concluded', patches: [['if (block.timestamp <= endsAt) revert TooEarly(id, endsAt);\n            _concludeRound', 'if (block.timestamp <= endsAt || job.replicas > 1) revert TooEarly(id, endsAt);\n            _concludeRound']] },
  { invariant: 'honest', why: 'an auction pays its winners 1 per hour instead of the clearing price', patches: [['        _setRoundPrice(job, price);\n        emit AuctionClosed', '        _setRoundPrice(job, 1);\n        emit AuctionClosed']] },
  { invariant: 'loser-unpaid', why: 'a replica that revealed a minority digest is paid instead of slashed', patches: [['            } else {\n                _slash(id, job, i);\n            }', '            } else if (s.status == SlotStatus.Revealed) {\n                _paySlot(id, job, i, s);\n            } else {\n                _slash(id, job, i);\n            }']] },
  { invariant: 'requester-bound', why: 'every slot is paid twice its price', patches: [['gross = (uint256(price) * s.billedSeconds) / SECONDS_PER_HOUR;', 'gross = (uint256(price) * s.billedSeconds * 2) / SECONDS_PER_HOUR;']] },
];

describe('each v2 invariant fails on a deliberately broken contract', () => {
  for (const broken of BROKEN) {
    it(`${broken.invariant}: ${broken.why}`, async () => {
      let source: string | undefined;
      for (const [find, replace] of broken.patches) source = patchedV2Source(source, find, replace);
      const env = await setUp(compileV2(source));
      let failure: unknown;
      try {
        await property(env, new Set([broken.invariant]), BROKEN_RUNS, new Map(), 42);
      } catch (error) {
        failure = error;
      }
      expect(failure, `the ${broken.invariant} property should fail on the broken contract`).toBeDefined();
      // fast-check reports the property's own error as the cause of its failure.
      const messages: string[] = [];
      for (let e: unknown = failure; e instanceof Error; e = e.cause) messages.push(e.message);
      expect(messages.join('\n')).toContain(`INVARIANT ${broken.invariant}`);
    }, 600_000);
  }
});

/** Applies one patch on top of an already patched source (or the real one). */
function patchedV2Source(source: string | undefined, find: string, replace: string): string {
  if (source === undefined) return patchedV2(find, replace);
  const at = source.indexOf(find);
  if (at < 0 || source.indexOf(find, at + 1) >= 0) throw new Error(`patch target must occur exactly once: ${find}`);
  return source.slice(0, at) + replace + source.slice(at + find.length);
}
