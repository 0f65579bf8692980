/**
 * The ledger as CSV: one line per job claim and one per withdrawal, amounts exact (USD with
 * all 6 decimals, gas in wei and in the gas coin), times in ISO 8601 UTC.
 */
import { formatWei, type LedgerJob, toCsv } from '../../../shared/domain/earnings';
import { formatMicros } from '../../../shared/domain/price-floor';
import type { StoredWithdrawal } from './ledger-store';

const HEADER = [
  'type', 'chain_id', 'job_id', 'attempt', 'state', 'requester', 'ask_usd_per_hour', 'billed_seconds', 'gross_usd', 'fee_usd',
  'stake_lost_usd', 'energy_kwh', 'electricity_usd', 'gas_wei', 'gas_coin', 'net_usd', 'device', 'run_started_at', 'run_ended_at',
  'claimed_at', 'closed_at', 'settled_by', 'amount_usd', 'tx_hashes',
] as const;

const usd = (micros: string | null) => (micros === null ? null : formatMicros(BigInt(micros), { minDecimals: 6 }));

export function ledgerCsv(chainId: number, jobs: readonly LedgerJob[], withdrawals: readonly StoredWithdrawal[]): string {
  const rows: (string | number | null)[][] = [[...HEADER]];
  for (const j of jobs) {
    rows.push([
      'job', chainId, j.chainJobId, j.attempt, j.state, j.requester, usd(j.askMicrosPerHour), j.billedSeconds, usd(j.grossMicros),
      usd(j.feeMicros), usd(j.stakeLostMicros), j.energyWh === null ? null : (j.energyWh / 1000).toFixed(6), usd(j.electricityMicros),
      j.gasWei, formatWei(BigInt(j.gasWei), 18), usd(j.netMicros), j.deviceId, j.runStartedAt, j.runEndedAt, j.claimedAt, j.closedAt,
      j.settledBy, null, j.txs.map((tx) => `${tx.kind}:${tx.hash}`).join(' '),
    ]);
  }
  for (const w of withdrawals) {
    rows.push([
      'withdrawal', chainId, null, null, null, null, null, null, null, null, null, null, null, w.gasWei, formatWei(BigInt(w.gasWei), 18),
      null, null, null, null, null, w.at, null, usd(w.amount), `withdraw:${w.txHash}`,
    ]);
  }
  return toCsv(rows);
}
