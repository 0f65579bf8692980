// The devnet child process: a Hardhat 2 JSON-RPC node on 127.0.0.1 for RigShift.
// Started by electron/agent/devnet/devnet-process.ts with the port to listen on (argv[2]).
// It prints one JSON line {"ready":true,"port":N} on stdout once it answers requests.
//
// It must never outlive the app that started it: the parent keeps our stdin open as a
// pipe, and when the parent dies for any reason (even SIGKILL) the pipe closes and we exit.
// Runs under plain Node or under Electron with ELECTRON_RUN_AS_NODE=1.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS script: Hardhat 2 is CommonJS, and require() of an absolute path is how we load the app's copy */
const path = require('node:path');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`devnet-node: bad port "${process.argv[2]}"\n`);
  process.exit(2);
}

process.stdin.on('data', () => {});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
// Ctrl-C in a terminal signals the whole process group: the parent decides when the chain
// stops (it may still be settling its own shutdown), so SIGINT is ignored here.
process.on('SIGINT', () => {});
process.on('uncaughtException', (error) => {
  process.stdout.write(`${JSON.stringify({ ready: false, error: String((error && error.message) || error) })}\n`);
  process.exit(1);
});

process.env.HARDHAT_CONFIG = path.join(__dirname, 'hardhat.config.cjs');
process.env.HARDHAT_DISABLE_TELEMETRY_PROMPT = 'true';

async function main() {
  // The parent resolves hardhat from the app's node_modules (this file may live elsewhere).
  const hre = require(process.env.RIGSHIFT_HARDHAT_DIR || 'hardhat');
  const { TASK_NODE_CREATE_SERVER } = require(path.join(process.env.RIGSHIFT_HARDHAT_DIR || path.dirname(require.resolve('hardhat/package.json')), 'builtin-tasks', 'task-names'));
  const node = hre.network.provider;
  // The first request initialises the EDR node; no per-request logging (it would cost CPU).
  await node.request({ method: 'hardhat_setLoggingEnabled', params: [false] });
  const provider = await l2Gas(node);
  const server = await hre.run(TASK_NODE_CREATE_SERVER, { hostname: '127.0.0.1', port, provider });
  const address = await server.listen();
  process.stdout.write(`${JSON.stringify({ ready: true, port: address.port })}\n`);
  await server.waitUntilClosed();
}

/*
 * Gas priced like an L2, so "net includes gas" gives the figures a provider would really
 * see (issue 13): Arbitrum One, whose L2 gas price has a floor of 0.01 gwei and which
 * ignores tips (https://docs.arbitrum.io/how-arbitrum-works/gas-fees, "Gas Price Floor",
 * "Tips in L2"). Hardhat's defaults are mainnet-like: a 1 gwei tip on every transaction.
 * Here the base fee is held at 0.01 gwei (empty blocks would let it decay towards zero,
 * full ones raise it) and the suggested tip is 1 wei: almost nothing, as on Arbitrum, but
 * not zero, so a stuck transaction's replacement can still raise it. Arbitrum's second
 * component, the L1 data fee, is not modelled (docs/benchmarks.md says what it adds).
 */
const L2_BASE_FEE_WEI = 10_000_000n; // 0.01 gwei
const L2_TIP_WEI = 1n;
const hex = (value) => `0x${value.toString(16)}`;

async function l2Gas(node) {
  const holdBaseFee = () => node.request({ method: 'hardhat_setNextBlockBaseFeePerGas', params: [hex(L2_BASE_FEE_WEI)] }).catch(() => undefined);
  await holdBaseFee();
  // Every new block (interval-mined, a transaction's, evm_mine) sets the next one's base
  // fee: one in-process call per block, no polling.
  const heads = await node.request({ method: 'eth_subscribe', params: ['newHeads'] });
  node.addListener('notification', (payload) => {
    if (payload && payload.subscription === heads) void holdBaseFee();
  });
  const request = async (args) => {
    if (args.method === 'eth_maxPriorityFeePerGas') return hex(L2_TIP_WEI);
    // A legacy (type 0) transaction pays what it bids: the base fee plus the tip.
    if (args.method === 'eth_gasPrice') return hex(L2_BASE_FEE_WEI + L2_TIP_WEI);
    return node.request(args);
  };
  return new Proxy(node, {
    get(target, property) {
      if (property === 'request') return request;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ ready: false, error: String((error && error.message) || error) })}\n`);
  process.exit(1);
});
