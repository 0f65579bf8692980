// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// TEST ONLY: a 6-decimal token that, once armed, calls back into a target (the market) in the
/// middle of its next transfer, like an ERC-777 hook or a malicious upgradeable token would.
/// The callback's revert is bubbled up so the test sees exactly why the re-entry failed.
contract ReentrantToken is ERC20 {
    address private _target;
    bytes private _callData;
    bool private _armed;

    constructor() ERC20("Reentrant Token", "REENT") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// The next transfer (not mint) calls `target` with `callData` from this token's address.
    function arm(address target, bytes calldata callData) external {
        _target = target;
        _callData = callData;
        _armed = true;
    }

    function disarm() external {
        _armed = false;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (_armed && from != address(0) && to != address(0)) {
            _armed = false;
            (bool ok, bytes memory returned) = _target.call(_callData);
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(returned, 0x20), mload(returned))
                }
            }
        }
    }
}
