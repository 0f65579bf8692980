/**
 * The chain figures' flood alone (no idle agent, no post → running): N posts of 4 KB
 * documents on a Hardhat node followed by a headless agent built from this tree, then the
 * same posts ingested by a fresh event log. Node options for the agent after `--` (e.g.
 * `--trace-gc`, `--heap-prof --heap-prof-dir=/tmp/x`); the agent's stderr is not shown.
 * `npm run build:electron && npx tsx test/bench/chain-flood-probe.ts 2000 [-- --trace-gc]`
 */
import { measureFlood } from './chain-figures';

const dash = process.argv.indexOf('--');
const jobs = Number(process.argv[2] ?? 2000);
const agentNodeArgs = dash >= 0 ? process.argv.slice(dash + 1) : [];
for (const f of await measureFlood(jobs, agentNodeArgs)) console.log(`${f.name}: ${f.value} ${f.unit} (target ${f.better === 'lower' ? '≤' : '≥'} ${f.target})`);
