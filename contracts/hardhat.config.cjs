// Hardhat 2 config for the contract tests and the gas figures (in-process chain, loaded via
// HARDHAT_CONFIG so the repo root stays free of Hardhat files). We compile with solc-js
// ourselves (contracts/compile.ts), so no solidity/compile settings are needed here.
/** @type {import('hardhat/config').HardhatUserConfig} */
module.exports = {
  defaultNetwork: 'hardhat',
  paths: { root: __dirname, cache: '../node_modules/.cache/rigshift-hardhat', artifacts: '../node_modules/.cache/rigshift-hardhat/artifacts' },
  networks: {
    hardhat: {
      chainId: 31337,
      hardfork: 'cancun',
      // Tests move time with evm_increaseTime + evm_mine; one block per transaction.
      mining: { auto: true, interval: 0 },
      allowBlocksWithSameTimestamp: false,
      accounts: { count: 10, accountsBalance: '10000000000000000000000' },
      loggingEnabled: false,
    },
  },
};
