// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title TestUSD
 * @notice DEVNET FAUCET TOKEN ONLY. A 6-decimal stand-in for a USD stablecoin on the local
 * devnet and in tests. `mint` is deliberately callable by anyone, because this token is a
 * faucet: it has no value and must never be deployed to a real network or used as the
 * market token anywhere but a devnet.
 */
contract TestUSD is ERC20 {
    constructor() ERC20("Test USD", "tUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// Faucet: anyone may mint (devnet only, see the contract comment).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
