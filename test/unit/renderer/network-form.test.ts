/** Settings → Network's form: text fields to a network setting, one problem per field. */
import { describe, expect, it } from 'vitest';
import { draftOf, networkSummary, parseNetworkDraft, sameNetwork } from '../../../renderer/features/network/network-form';
import { NetworkSettingsSchema } from '../../../shared/domain/settings';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const draft = { kind: 'custom' as const, rpcUrl: 'https://base.example/v2/KEY', chainId: '8453', marketAddress: MARKET, deploymentBlock: '19,000,123' };

describe('the network form', () => {
  it('parses a custom network with its deployment block (thousands separators allowed) into a valid setting', () => {
    const parsed = parseNetworkDraft(draft);
    expect(parsed).toEqual({ ok: true, network: { kind: 'custom', rpcUrl: draft.rpcUrl, chainId: 8453, marketAddress: MARKET, deploymentBlock: 19_000_123 } });
    expect(parsed.ok && NetworkSettingsSchema.parse(parsed.network)).toBeTruthy();
  });

  it('leaves the deployment block out when empty (searched for), and the devnet has no fields', () => {
    expect(parseNetworkDraft({ ...draft, deploymentBlock: ' ' })).toEqual({ ok: true, network: { kind: 'custom', rpcUrl: draft.rpcUrl, chainId: 8453, marketAddress: MARKET } });
    expect(parseNetworkDraft({ ...draft, kind: 'devnet', rpcUrl: 'junk' })).toEqual({ ok: true, network: { kind: 'devnet' } });
  });

  it('says what is wrong with each field', () => {
    const parsed = parseNetworkDraft({ kind: 'custom', rpcUrl: 'javascript:alert(1)', chainId: '0', marketAddress: '0x123', deploymentBlock: '12.5' });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems).toEqual({
      rpcUrl: 'The RPC URL starts with https:// (or http://).',
      chainId: 'The chain id is a whole number (8453 is Base, 84532 Base Sepolia).',
      marketAddress: 'The market address is 0x followed by 40 hex digits.',
      deploymentBlock: 'The deployment block is a whole block number (or leave it empty).',
    });
    expect(!parseNetworkDraft({ ...draft, deploymentBlock: '-4' }).ok).toBe(true);
    expect(!parseNetworkDraft({ ...draft, deploymentBlock: '99999999999999999' }).ok).toBe(true);
    expect(!parseNetworkDraft({ ...draft, rpcUrl: '' }).ok).toBe(true);
  });

  it('round-trips the setting in effect, and compares market addresses without case', () => {
    const network = { kind: 'custom' as const, rpcUrl: draft.rpcUrl, chainId: 8453, marketAddress: MARKET, deploymentBlock: 7 };
    const back = parseNetworkDraft(draftOf(network));
    expect(back.ok && sameNetwork(back.network, network)).toBe(true);
    expect(sameNetwork({ ...network, marketAddress: MARKET.toLowerCase() }, network)).toBe(true);
    expect(sameNetwork({ ...network, deploymentBlock: 8 }, network)).toBe(false);
    expect(sameNetwork({ kind: 'devnet' }, network)).toBe(false);
    expect(networkSummary(network)).toBe('Custom: base.example · chain 8453 · market 0x5FbD…0aa3 · from block 7');
    expect(networkSummary({ kind: 'devnet' })).toMatch(/^Local devnet/);
  });
});
