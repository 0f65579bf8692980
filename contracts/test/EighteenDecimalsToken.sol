// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// TEST ONLY: an ordinary 18-decimal ERC-20; the market must refuse it at deployment because
/// every amount in RigShift is micro-dollars (6 decimals).
contract EighteenDecimalsToken is ERC20 {
    constructor() ERC20("Eighteen", "E18") {}
}
