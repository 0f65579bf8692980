/**
 * The few facts of a posted job document that the verdicts and the Market list need, kept
 * in memory instead of the whole document (issue 11 flood: 10,000 open 4 KB documents held
 * in memory). The whole document stays on disk (the event log's document file) and is read
 * back only when a job is viewed in detail or claimed.
 *
 * evaluateMarketJob reads a document through EvaluableDocument; a parsed document and the
 * facts made from it must give the same verdict (test/unit/market/document-facts.test.ts).
 */
import { type EvaluableDocument, parseMarketDocument, type ParsedMarketDocument } from './market-evaluation';
import type { MarketJobSummary } from './market';

export interface MarketDocumentFacts {
  /** What the Market list shows (name, image, resources, network, description, upload host). */
  summary: MarketJobSummary;
  maxDurationSeconds: number;
  preemptible: boolean;
  uploadUrl: string;
  minFp32Tflops?: number;
}

/** The facts of a valid document; null for a document nobody can run. */
export function documentFacts(parsed: ParsedMarketDocument): MarketDocumentFacts | null {
  if (!parsed.ok) return null;
  const minFp32Tflops = parsed.document.requirements?.minFp32Tflops;
  return {
    summary: parsed.summary,
    maxDurationSeconds: parsed.spec.maxDurationSeconds,
    preemptible: parsed.spec.preemptible,
    uploadUrl: parsed.document.upload.url,
    ...(minFp32Tflops !== undefined ? { minFp32Tflops } : {}),
  };
}

/** The facts in the shape the evaluation reads (a parsed document has the same shape). */
export function evaluableFacts(facts: MarketDocumentFacts): EvaluableDocument {
  const { summary } = facts;
  return {
    ok: true,
    spec: { maxDurationSeconds: facts.maxDurationSeconds, preemptible: facts.preemptible, image: summary.image, network: summary.network, resources: summary.resources },
    document: { upload: { url: facts.uploadUrl }, ...(facts.minFp32Tflops !== undefined ? { requirements: { minFp32Tflops: facts.minFp32Tflops } } : {}) },
    summary,
  };
}

/** The facts when kept, else the document (read only then) parsed. */
export const evaluableOf = (facts: MarketDocumentFacts | null, text: () => string): EvaluableDocument => (facts ? evaluableFacts(facts) : parseMarketDocument(text()));
