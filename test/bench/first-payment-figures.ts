/**
 * Issue 13, "Time to first money": README's demo (`rigshift devnet --demo`, then
 * `rigshift headless` with its own data dir), the wizard completed through the API with a
 * new wallet and the benchmark, "Start renting", then seconds to the first paid job (the
 * agent's ledger) and to the tUSD in the wallet (the chain's Withdrawn event for the
 * wallet's address). Real devnet, real demo requester, real Docker jobs; nothing faked.
 * Each run is a fresh devnet and a fresh agent; the figures are medians over the runs.
 */
import { completeWizard, followToFirstMoney, startDemoAndAgent } from '../helpers/first-payment-run';
import { type BenchFigure, median, round } from './figure';

interface FirstPaymentRun {
  paid: number;
  inWallet: number;
  total: number;
}

async function runOnce(benchmark: boolean): Promise<FirstPaymentRun> {
  const setup = await startDemoAndAgent();
  try {
    const agentReady = performance.now();
    await completeWizard(setup.api, { benchmark, password: 'first payment bench password' });
    const startRenting = performance.now();
    const money = await followToFirstMoney(setup, { timeoutMs: 15 * 60_000 });
    const s = (from: number, to: number) => round((to - from) / 1000, 1);
    console.log(
      `      first money: devnet+agent ready ${s(setup.startedAt, agentReady)} s, wizard ${s(agentReady, startRenting)} s; from Start renting: ` +
        `first claim ${s(startRenting, money.marks.claimed)} s, paid ${s(startRenting, money.marks.paid)} s (job ${money.paidJob.chainJobId}, ${money.paidJob.billedSeconds} s billed, ` +
        `${money.paidJob.grossMicros} micros gross), tUSD in the wallet ${s(startRenting, money.marks.inWallet)} s (${money.withdrawn.amount} micros), ` +
        `wallet view ${s(startRenting, money.marks.walletShows)} s; devnet --demo spawned to tUSD in the wallet ${s(setup.startedAt, money.marks.inWallet)} s`,
    );
    return { paid: s(startRenting, money.marks.paid), inWallet: s(startRenting, money.marks.inWallet), total: s(setup.startedAt, money.marks.inWallet) };
  } finally {
    await setup.stop();
  }
}

export async function measureFirstPayment(options: { benchmark: boolean; runs: number }): Promise<BenchFigure[]> {
  const runs: FirstPaymentRun[] = [];
  for (let i = 0; i < options.runs; i++) runs.push(await runOnce(options.benchmark));
  const of = (key: keyof FirstPaymentRun) => round(median(runs.map((r) => r[key])), 1);
  console.log(`      first money over ${runs.length} runs: devnet --demo spawned to tUSD in the wallet, median ${of('total')} s (wizard${options.benchmark ? ' with the benchmark' : ''} included)`);
  return [
    { name: `first money: Start renting to the first paid job (ledger; median of ${runs.length})`, value: of('paid'), unit: 's', target: 90, better: 'lower' },
    { name: `first money: Start renting to tUSD in the wallet (Withdrawn on chain; median of ${runs.length})`, value: of('inWallet'), unit: 's', target: 120, better: 'lower' },
  ];
}

// `tsx test/bench/first-payment-figures.ts`: this figure alone.
if (process.argv[1]?.endsWith('first-payment-figures.ts')) {
  const figures = await measureFirstPayment({ benchmark: process.env.BENCH_FIRST_PAY_BENCHMARK !== '0', runs: Number(process.env.BENCH_FIRST_PAY_RUNS ?? 3) });
  for (const figure of figures) console.log(`${figure.name}: ${figure.value} ${figure.unit} (target ≤ ${figure.target})`);
}
