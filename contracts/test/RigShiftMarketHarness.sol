// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {RigShiftMarket} from "../RigShiftMarket.sol";

/// TEST ONLY: the market plus a back door that forces a job's state. The used-commitment check
/// cannot be reached through the public interface (a job leaves Claimed on submit and every new
/// claim bumps the attempt), so the test forces a submitted job back to Claimed to prove the
/// check still refuses a replay if a future change ever made it reachable.
contract RigShiftMarketHarness is RigShiftMarket {
    constructor(
        IERC20 token_,
        uint256 minStake_,
        uint64 challengeWindow_,
        uint16 feeBps_,
        address feeRecipient_,
        uint64 reopenClaimWindow_
    ) RigShiftMarket(token_, minStake_, challengeWindow_, feeBps_, feeRecipient_, reopenClaimWindow_) {}

    function forceState(uint256 id, State state) external {
        _jobs[id].state = state;
    }
}
