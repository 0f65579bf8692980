/**
 * The names a LAN device may use to reach the rig (the Host header the LAN listener
 * accepts): the bound address itself, or with 0.0.0.0 every IPv4 address of this
 * machine, plus `<hostname>.local` (mDNS) and the loopback names. Only names the rig
 * owns are accepted, which keeps DNS rebinding out.
 */
import { hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export function lanHostNames(
  boundHost: string,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
  machineName: string = hostname(),
): string[] {
  const names = new Set<string>();
  if (boundHost === '0.0.0.0') {
    // External addresses first: the first one is the one printed in the pairing link.
    const all = Object.values(interfaces).flatMap((list) => list ?? []);
    for (const info of all.filter((i) => i.family === 'IPv4' && !i.internal)) names.add(info.address);
    for (const info of all.filter((i) => i.family === 'IPv4' && i.internal)) names.add(info.address);
    names.add('localhost');
    if (/^[A-Za-z0-9-]{1,63}$/.test(machineName)) {
      names.add(`${machineName}.local`);
      names.add(machineName);
    }
  } else {
    names.add(boundHost);
  }
  return [...names];
}

/** The first non-internal IPv4 address of this machine, if any (for tests and the help text). */
export function firstLanAddress(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string | null {
  return (
    Object.values(interfaces)
      .flatMap((list) => list ?? [])
      .find((i) => i.family === 'IPv4' && !i.internal)?.address ?? null
  );
}
