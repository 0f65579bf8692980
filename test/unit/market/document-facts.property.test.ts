/**
 * The verdicts are evaluated from the few facts the event log keeps in memory (market-
 * document-facts.ts), not from the whole document: for any document and any machine, the
 * facts must give exactly the verdict the parsed document gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentFacts, evaluableFacts } from '../../../shared/domain/market-document-facts';
import { type EvaluationDevice, evaluateMarketJob, parseMarketDocument } from '../../../shared/domain/market-evaluation';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';

const IMAGES = [`rigshift-test/job@sha256:${'b'.repeat(64)}`, `docker.io/library/alpine@sha256:${'c'.repeat(64)}`, `ghcr.io/x/cuda@sha256:${'d'.repeat(64)}`];
const UPLOADS = ['https://upload.example.com/r/1', 'http://127.0.0.1:9/upload', 'https://10.0.0.3/u', 'http://example.com/u', 'https://user:pw@example.com/u', 'https://localhost/u'];

const documentArb = fc.record({
  gpus: fc.integer({ min: 0, max: 1 }),
  minVramMiB: fc.integer({ min: 0, max: 48_000 }),
  cpus: fc.integer({ min: 1, max: 64 }),
  memoryMiB: fc.integer({ min: 64, max: 64_000 }),
  scratchMiB: fc.integer({ min: 0, max: 16_000 }),
  maxDurationSeconds: fc.integer({ min: 1, max: 7200 }),
  preemptible: fc.boolean(),
  network: fc.constantFrom('none', 'egress'),
  image: fc.constantFrom(...IMAGES),
  upload: fc.constantFrom(...UPLOADS),
  minFp32Tflops: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }),
  description: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
});

const deviceArb: fc.Arbitrary<EvaluationDevice> = fc.record({
  deviceId: fc.constantFrom('cpu', 'GPU-1', 'GPU-2'),
  kind: fc.constantFrom('cpu' as const, 'gpu' as const),
  name: fc.constantFrom('CPU', 'RTX 4090'),
  vramMiB: fc.option(fc.integer({ min: 0, max: 48_000 }), { nil: null }),
  fp32Tflops: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
  powerW: fc.option(fc.integer({ min: 0, max: 600 }), { nil: null }),
  admission: fc.constantFrom({ ok: true as const }, { ok: false as const, reason: 'paused' }),
  busy: fc.boolean(),
});

describe('verdicts from the facts kept in memory', () => {
  it('equal the verdicts from the whole document, for any document and machine', () => {
    fc.assert(
      fc.property(
        documentArb,
        fc.array(deviceArb, { maxLength: 3 }),
        fc.record({
          maxDurationSeconds: fc.integer({ min: 1, max: 7200 }),
          preemptible: fc.boolean(),
          maxPricePerHour: fc.bigInt({ min: 1n, max: 10_000_000n }),
          claimIn: fc.integer({ min: -100, max: 10_000 }),
          runIn: fc.integer({ min: 0, max: 20_000 }),
          cpus: fc.integer({ min: 1, max: 64 }),
          memoryMiB: fc.integer({ min: 512, max: 128_000 }),
          allowEgress: fc.boolean(),
          isDevnet: fc.boolean(),
          floor: fc.integer({ min: 0, max: 5_000_000 }),
          deny: fc.constantFrom([], ['ghcr.io/']),
          allow: fc.constantFrom([], ['docker.io/', 'rigshift-test/']),
        }),
        (d, devices, t) => {
          const text = JSON.stringify({
            kind: 'rigshift-job',
            version: 1,
            job: {
              version: 1,
              name: 'property job',
              image: d.image,
              command: ['echo', 'x'],
              inputs: [],
              outputs: { maxTotalBytes: 1024, maxFiles: 1 },
              // Valid by construction: a CPU job asks no VRAM, /scratch fits in memory.
              resources: { gpus: d.gpus, minVramMiB: d.gpus ? d.minVramMiB : 0, cpus: d.cpus, memoryMiB: d.memoryMiB, scratchMiB: Math.min(d.scratchMiB, d.memoryMiB) },
              maxDurationSeconds: d.maxDurationSeconds,
              preemptible: d.preemptible,
              network: d.network,
            },
            upload: { url: d.upload },
            ...(d.minFp32Tflops !== undefined ? { requirements: { minFp32Tflops: d.minFp32Tflops } } : {}),
            ...(d.description !== undefined ? { description: d.description } : {}),
          });
          const parsed = parseMarketDocument(text);
          expect(parsed.ok).toBe(true);
          const facts = documentFacts(parsed)!;
          // What is kept survives the event log's JSON round trip.
          const kept = evaluableFacts(JSON.parse(JSON.stringify(facts)));
          const now = 1_900_000_000;
          const input = {
            job: { requester: '0x000000000000000000000000000000000000bEEF', maxPricePerHour: t.maxPricePerHour, maxDurationSeconds: t.maxDurationSeconds, claimBy: now + t.claimIn, runBy: now + t.runIn, preemptible: t.preemptible, open: true },
            devices,
            machine: { cpus: t.cpus, memoryMiB: t.memoryMiB },
            price: { ...DEFAULT_SETTINGS.controls.price, floorMicrosPerHour: String(t.floor) },
            market: { ...DEFAULT_SETTINGS.market, imageDenyList: t.deny, imageAllowList: t.allow },
            allowEgress: t.allowEgress,
            isDevnet: t.isDevnet,
            nowSeconds: now,
          };
          expect(evaluateMarketJob({ ...input, document: kept })).toEqual(evaluateMarketJob({ ...input, document: parsed }));
          // And the list shows the same summary.
          expect(kept.ok && kept.summary).toEqual(parsed.ok && parsed.summary);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('are not made for a document nobody can run', () => {
    expect(documentFacts(parseMarketDocument('{"kind":"rigshift-job"}'))).toBeNull();
    expect(documentFacts(parseMarketDocument('not json'))).toBeNull();
  });
});
