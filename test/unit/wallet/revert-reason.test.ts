import { Interface } from 'ethers';
import { describe, expect, it } from 'vitest';
import { MARKET_ABI } from '../../../electron/agent/chain/market-abi';
import { shortReason } from '../../../electron/agent/wallet/tx-queue';

describe('revert reasons', () => {
  const market = new Interface(MARKET_ABI);

  it("names the market's custom error and its arguments instead of 'unknown custom error'", () => {
    const data = market.encodeErrorResult('NotSubmitted', [7n, 4]);
    // The shape ethers gives for a failed estimateGas against a JSON-RPC node.
    const error = { shortMessage: 'execution reverted (unknown custom error)', data };
    expect(shortReason(error)).toBe('execution reverted: NotSubmitted(7, 4)');
    expect(shortReason({ message: 'x', info: { error: { data: market.encodeErrorResult('NothingToWithdraw', []) } } })).toBe(
      'execution reverted: NothingToWithdraw()',
    );
  });

  it("keeps the node's message for data it does not know", () => {
    expect(shortReason({ shortMessage: 'execution reverted (unknown custom error)', data: '0xdeadbeef00' })).toBe(
      'execution reverted (unknown custom error)',
    );
    expect(shortReason(new Error('insufficient funds for gas\nmore'))).toBe('insufficient funds for gas');
  });
});
