/**
 * A TCP listener the test owns on the host, that a job must never reach: one on loopback
 * (the owner's local services) and one on the docker0 gateway (what a container on the
 * default bridge would see as "the host"). Binding to those two addresses only keeps the
 * decoy off the LAN. Every accepted connection is counted and closed at once.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';

export interface DecoyListener {
  host: string;
  port: number;
  connections(): number;
  close(): Promise<void>;
}

export async function startDecoyListener(host: string): Promise<DecoyListener> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host,
    port,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
