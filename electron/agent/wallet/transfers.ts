/**
 * Sending gas coin or stablecoin to an external address, in two steps: a preview (the
 * checked recipient, gas limit and the EIP-1559 fee upper bound gasLimit × maxFeePerGas)
 * and a send that needs the preview's id, so what is sent is exactly what the owner saw.
 * Previews live two minutes.
 */
import { randomBytes } from 'node:crypto';
import { getAddress, ZeroAddress } from 'ethers';
import { AgentError } from '../../../shared/api/result';
import { formatAmount, type TransferPreview, type WalletTx } from '../../../shared/domain/wallet';
import type { ChainHub } from '../chain/chain-hub';
import type { Clock } from '../ports';
import { readBalances } from './balances';
import { transferData } from './token';
import { currentFees, shortReason, type TxQueue } from './tx-queue';

export const PREVIEW_TTL_MS = 2 * 60_000;
const GAS_TRANSFER_LIMIT = 21_000n;

/**
 * An address as typed: all-lowercase (or all-uppercase) hex is accepted as is; mixed case
 * must carry a valid EIP-55 checksum — a wrong one usually means a typo.
 */
export function checkRecipient(text: string): string {
  const trimmed = text.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(trimmed)) {
    throw new AgentError('invalid_address', `"${trimmed}" is not an address: an address is 0x followed by 40 hex digits.`, 'ENS names are not supported; paste the 0x address.');
  }
  try {
    return getAddress(trimmed);
  } catch {
    throw new AgentError(
      'bad_checksum',
      'This address has mixed upper and lower case that does not match its checksum: it was probably mistyped.',
      'Copy the address again from its source.',
    );
  }
}

interface StoredPreview {
  preview: TransferPreview;
  expiresAtMs: number;
  from: string;
}

export function createTransfers(deps: { chain: ChainHub; queue: TxQueue; address: () => string | null; clock: Clock }) {
  const previews = new Map<string, StoredPreview>();

  const connection = () => {
    const c = deps.chain.connection();
    if (!c) throw new AgentError('chain_offline', 'The chain is not reachable right now.', 'Wait until the network is back online.');
    return c;
  };

  async function preview(request: { asset: 'gas' | 'token'; to: string; amount: string }): Promise<TransferPreview> {
    const from = deps.address();
    if (!from) throw new AgentError('no_wallet', 'There is no wallet yet.', 'Create or import a wallet first.');
    const to = checkRecipient(request.to);
    if (to === from) throw new AgentError('send_to_self', 'That is this wallet’s own address.', 'Enter the address you want to send to.');
    // Refused before anything is signed: the token contract would revert, and coins sent there are lost.
    if (to === ZeroAddress) {
      throw new AgentError('zero_address', 'That is the zero address: nobody owns it, and anything sent there is lost.', 'Enter the address you want to send to.');
    }
    const amount = BigInt(request.amount);
    if (amount <= 0n) throw new AgentError('invalid_amount', 'Enter an amount above zero.');
    const c = connection();
    const { network, port } = c;
    const balances = await readBalances(c, from, deps.clock.now());
    const fees = await currentFees(port);
    let gasLimit = GAS_TRANSFER_LIMIT;
    if (request.asset === 'token') {
      if (!balances.token) throw new AgentError('no_token', 'This network has no stablecoin configured.');
      if (BigInt(balances.token.amount) < amount) {
        const held = `${formatAmount(balances.token.amount, network.token.decimals)} ${network.token.symbol}`;
        throw new AgentError('insufficient_funds', `The wallet holds only ${held}.`, `Send at most ${held}.`);
      }
      try {
        gasLimit = ((await port.estimateGas({ from, to: network.tokenAddress, data: transferData(to, amount) })) * 120n) / 100n;
      } catch (error) {
        throw new AgentError('tx_would_fail', `The token transfer would fail: ${shortReason(error)}.`);
      }
    }
    const maxFeeWei = gasLimit * fees.maxFeePerGas;
    const gasNeeded = maxFeeWei + (request.asset === 'gas' ? amount : 0n);
    if (BigInt(balances.gasWei) < gasNeeded) {
      throw new AgentError(
        'insufficient_funds',
        request.asset === 'gas'
          ? 'The amount plus the network fee is more than the wallet holds.'
          : 'The wallet does not hold enough gas coin to pay the network fee.',
        request.asset === 'gas' ? 'Lower the amount so the fee fits.' : 'Add some gas coin to the wallet first.',
      );
    }
    const expiresAtMs = deps.clock.now().getTime() + PREVIEW_TTL_MS;
    const result: TransferPreview = {
      previewId: randomBytes(12).toString('hex'),
      asset: request.asset,
      to,
      amount: amount.toString(),
      symbol: request.asset === 'gas' ? (network.isDevnet ? 'ETH' : 'gas coin') : network.token.symbol,
      decimals: request.asset === 'gas' ? 18 : network.token.decimals,
      gasLimit: gasLimit.toString(),
      maxFeePerGas: fees.maxFeePerGas.toString(),
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
      maxFeeWei: maxFeeWei.toString(),
      expiresAt: new Date(expiresAtMs).toISOString(),
    };
    for (const [id, stored] of previews) if (stored.expiresAtMs < deps.clock.now().getTime()) previews.delete(id);
    previews.set(result.previewId, { preview: result, expiresAtMs, from });
    return result;
  }

  async function send(previewId: string): Promise<WalletTx> {
    const stored = previews.get(previewId);
    previews.delete(previewId);
    if (!stored || stored.expiresAtMs < deps.clock.now().getTime()) {
      throw new AgentError('preview_expired', 'This transfer preview has expired or was already used.', 'Review the transfer again, then confirm.');
    }
    if (stored.from !== deps.address()) throw new AgentError('preview_expired', 'The wallet changed since this preview.', 'Review the transfer again.');
    const { preview: p } = stored;
    const amount = BigInt(p.amount);
    const fees = { maxFeePerGas: BigInt(p.maxFeePerGas), maxPriorityFeePerGas: BigInt(p.maxPriorityFeePerGas) };
    const network = connection().network;
    const sent =
      p.asset === 'gas'
        ? await deps.queue.send({ to: p.to, value: amount, gasLimit: BigInt(p.gasLimit), kind: 'transfer', label: `Send to ${p.to}`, fees })
        : await deps.queue.send({
            to: network.tokenAddress,
            data: transferData(p.to, amount),
            gasLimit: BigInt(p.gasLimit),
            kind: 'transfer',
            label: `Send ${p.symbol} to ${p.to}`,
            token: { amount, recipient: p.to },
            fees,
          });
    return deps.queue.get(sent.id)!;
  }

  return { preview, send };
}
