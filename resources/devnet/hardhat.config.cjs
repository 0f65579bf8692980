// Hardhat 2 configuration of RigShift's local devnet (started by electron/agent/devnet/).
// chainId and hardfork are explicit so the devnet behaves like the target chain, whatever
// Hardhat's own defaults become (2.29.1 defaults to osaka). Blocks are mined for every
// transaction (automine) AND once a second, so block timestamps keep advancing and the UI
// sees time pass on an idle chain (claim deadlines, challenge windows).
// The accounts are Hardhat's default ones from the PUBLIC test mnemonic: never use them
// on a real chain.
const intervalMs = Number(process.env.RIGSHIFT_DEVNET_INTERVAL_MS ?? '1000');

module.exports = {
  networks: {
    hardhat: {
      chainId: 31337,
      hardfork: 'cancun',
      mining: { auto: true, interval: Number.isFinite(intervalMs) && intervalMs > 0 ? intervalMs : 0 },
      // Enough gas for a batch of posts in one block when interval mining batches them.
      blockGasLimit: 60_000_000,
      // Arbitrum One's L2 gas price floor (0.01 gwei); devnet-node.cjs holds it there.
      initialBaseFeePerGas: 10_000_000,
      loggingEnabled: false,
    },
  },
  // The node never compiles anything: the contracts ship precompiled in resources/contracts/.
  paths: { sources: './no-sources', cache: './no-cache', artifacts: './no-artifacts' },
};
