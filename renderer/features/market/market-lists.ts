import { getAddress } from 'ethers';

/**
 * The owner's market filters (settings.market): requesters whose jobs are never claimed,
 * and image name prefixes to allow or deny. Pure, so the editors stay thin and the rules
 * are unit tested.
 */

export const MAX_BLOCKED_REQUESTERS = 1000;
export const MAX_IMAGE_PREFIXES = 200;
export const MAX_IMAGE_PREFIX_LENGTH = 256;

export type AddResult = { ok: true; list: string[]; value: string } | { ok: false; message: string };

/**
 * Adds a requester address. Mixed-case input must carry a valid EIP-55 checksum (a typo
 * in one character is caught); all-lower or all-upper input has none to check and is
 * stored checksummed. Duplicates are refused whatever their case.
 */
export function addBlockedRequester(list: readonly string[], typed: string): AddResult {
  const raw = typed.trim();
  if (raw === '') return { ok: false, message: 'Paste the requester’s address: 0x followed by 40 hex digits.' };
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw)) {
    return { ok: false, message: `“${raw}” is not an address. An address is 0x followed by 40 hex digits.` };
  }
  let checksummed: string;
  try {
    checksummed = getAddress(raw);
  } catch {
    return {
      ok: false,
      message: 'The address’s upper/lower case does not match its checksum: a character is probably mistyped. Copy it again.',
    };
  }
  if (list.some((a) => a.toLowerCase() === checksummed.toLowerCase())) {
    return { ok: false, message: `${checksummed} is already blocked.` };
  }
  if (list.length >= MAX_BLOCKED_REQUESTERS) {
    return { ok: false, message: `The block list holds at most ${MAX_BLOCKED_REQUESTERS} addresses. Remove some first.` };
  }
  return { ok: true, list: [...list, checksummed], value: checksummed };
}

/**
 * Adds an image name prefix ("docker.io/library/", "ghcr.io/acme/render"). Matching is
 * on the name before "@sha256", so a digest in a prefix would never match: refused.
 */
export function addImagePrefix(list: readonly string[], typed: string, other: { list: readonly string[]; name: string } | null = null): AddResult {
  const raw = typed.trim();
  if (raw === '') return { ok: false, message: 'Type the start of an image name, e.g. ghcr.io/acme/ or docker.io/library/python.' };
  if (raw.length > MAX_IMAGE_PREFIX_LENGTH) return { ok: false, message: `Keep it under ${MAX_IMAGE_PREFIX_LENGTH} characters.` };
  if (/\s/.test(raw)) return { ok: false, message: 'Image names have no spaces.' };
  if (raw.includes('@')) {
    return { ok: false, message: 'Leave out the @sha256 digest: the lists match the image name before it.' };
  }
  if (!/^[a-z0-9][a-z0-9._:/-]*$/.test(raw)) {
    return { ok: false, message: 'Image names use lower-case letters, digits, “.”, “_”, “-”, “:” and “/”.' };
  }
  if (list.includes(raw)) return { ok: false, message: `“${raw}” is already in the list.` };
  if (other?.list.includes(raw)) return { ok: false, message: `“${raw}” is in the ${other.name} list: remove it there first.` };
  if (list.length >= MAX_IMAGE_PREFIXES) {
    return { ok: false, message: `The list holds at most ${MAX_IMAGE_PREFIXES} entries. Remove some first.` };
  }
  return { ok: true, list: [...list, raw], value: raw };
}

export const removeFrom = (list: readonly string[], value: string): string[] => list.filter((v) => v !== value);
