import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../../shared/domain/earnings';
import { ledgerCsv } from '../../../electron/agent/ledger/ledger-csv';
import type { LedgerJob } from '../../../shared/domain/earnings';

/** A small RFC 4180 reader, to check that what we write reads back field for field. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  return rows;
}

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-1.5')).toBe('-1.5');
    expect(csvField(null)).toBe('');
    expect(csvField(12n)).toBe('12');
    const tricky = [['id', 'note'], ['1', 'a "quoted", multi\r\nline value'], ['2', '=cmd|calc']];
    expect(parseCsv(toCsv(tricky))).toEqual([tricky[0], tricky[1], ['2', "'=cmd|calc"]]);
  });

  it('writes one exact line per job and per withdrawal', () => {
    const job: LedgerJob = {
      chainJobId: '7', attempt: 1, state: 'settled', requester: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', askMicrosPerHour: '1500000',
      billedSeconds: 1800, grossMicros: '750000', feeMicros: '7500', stakeLostMicros: '0', gasWei: '123456789000000', energyWh: 200,
      electricityMicros: '36000', netMicros: '706500', deviceId: 'GPU-1, "main"', runStartedAt: '2026-01-01T00:00:00.000Z',
      runEndedAt: '2026-01-01T00:30:00.000Z', claimedAt: '2026-01-01T00:00:00.000Z', closedAt: '2026-01-01T00:35:00.000Z', settledBy: 'requester',
      txs: [
        { kind: 'claim', hash: '0xaa', blockNumber: 3, at: '2026-01-01T00:00:00.000Z', byUs: true, gasWei: '1' },
        { kind: 'accept', hash: '0xbb', blockNumber: 5, at: '2026-01-01T00:35:00.000Z', byUs: false, gasWei: null },
      ],
    };
    const rows = parseCsv(ledgerCsv(31337, [job], [{ txHash: '0xcc', logIndex: 0, blockNumber: 9, at: '2026-01-02T00:00:00.000Z', amount: '742500', gasWei: '42000000000000' }]));
    expect(rows).toHaveLength(3);
    const header = rows[0]!;
    const line = Object.fromEntries(header.map((h, i) => [h, rows[1]![i]]));
    expect(line).toMatchObject({
      type: 'job', chain_id: '31337', job_id: '7', gross_usd: '0.750000', fee_usd: '0.007500', net_usd: '0.706500', energy_kwh: '0.200000',
      electricity_usd: '0.036000', gas_wei: '123456789000000', gas_coin: '0.000123456789', device: 'GPU-1, "main"', tx_hashes: 'claim:0xaa accept:0xbb',
    });
    const withdrawal = Object.fromEntries(header.map((h, i) => [h, rows[2]![i]]));
    expect(withdrawal).toMatchObject({ type: 'withdrawal', amount_usd: '0.742500', gas_wei: '42000000000000', tx_hashes: 'withdraw:0xcc' });
  });
});
