/**
 * Issue 13, "Time to first money": README's demo (`rigshift devnet --demo`, then
 * `rigshift headless` with its own data dir), the wizard completed through the API with a
 * new wallet and the CPU/GPU benchmark, "Start renting", then seconds to the first paid job
 * (the agent's ledger) and to the tUSD in the wallet (the chain's Withdrawn event for the
 * wallet's address). Real devnet, real demo requester, real Docker jobs; nothing faked.
 */
import { completeWizard, followToFirstMoney, startDemoAndAgent } from '../helpers/first-payment-run';
import { type BenchFigure, round } from './figure';

export async function measureFirstPayment(options: { benchmark: boolean } = { benchmark: true }): Promise<BenchFigure[]> {
  const setup = await startDemoAndAgent();
  try {
    const agentReady = performance.now();
    await completeWizard(setup.api, { benchmark: options.benchmark, password: 'first payment bench password' });
    const startRenting = performance.now();
    const money = await followToFirstMoney(setup, { timeoutMs: 15 * 60_000 });
    const s = (from: number, to: number) => round((to - from) / 1000, 1);
    console.log(
      `      first money: devnet+agent ready ${s(setup.startedAt, agentReady)} s, wizard ${s(agentReady, startRenting)} s; from Start renting: ` +
        `first claim ${s(startRenting, money.marks.claimed)} s, paid ${s(startRenting, money.marks.paid)} s (job ${money.paidJob.chainJobId}, ${money.paidJob.billedSeconds} s billed, ` +
        `${money.paidJob.grossMicros} micros gross), tUSD in the wallet ${s(startRenting, money.marks.inWallet)} s (${money.withdrawn.amount} micros), wallet view ${s(startRenting, money.marks.walletShows)} s; devnet --demo spawned to tUSD in the wallet ${s(setup.startedAt, money.marks.inWallet)} s`,
    );
    return [
      { name: 'first money: Start renting to the first paid job (ledger)', value: s(startRenting, money.marks.paid), unit: 's', target: 90, better: 'lower' },
      { name: 'first money: Start renting to tUSD in the wallet (Withdrawn on chain)', value: s(startRenting, money.marks.inWallet), unit: 's', target: 120, better: 'lower' },
    ];
  } finally {
    await setup.stop();
  }
}

// `tsx test/bench/first-payment-figures.ts`: this figure alone.
if (process.argv[1]?.endsWith('first-payment-figures.ts')) {
  for (const figure of await measureFirstPayment({ benchmark: process.env.BENCH_FIRST_PAY_BENCHMARK !== '0' })) {
    console.log(`${figure.name}: ${figure.value} ${figure.unit} (target ≤ ${figure.target})`);
  }
}
