import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A TCP proxy on loopback in front of etcd. With `dropReplies` on, requests still reach etcd
 * but nothing comes back: the reply to a committed write is lost. `cutAll()` then breaks every
 * connection, so the client retries on a fresh one.
 */
export class LossyProxy {
  dropReplies = false;
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;

  constructor(private readonly upstream: string) {}

  async listen(): Promise<string> {
    const [host, port] = this.upstream.split(':');
    this.server = createServer((client) => {
      const server = connect(Number(port), host);
      this.track(client, server);
      client.on('data', (chunk) => server.write(chunk));
      server.on('data', (chunk) => {
        if (!this.dropReplies) client.write(chunk);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private track(a: Socket, b: Socket): void {
    for (const [socket, peer] of [
      [a, b],
      [b, a],
    ] as const) {
      this.sockets.add(socket);
      socket.on('error', () => peer.destroy());
      socket.on('close', () => {
        this.sockets.delete(socket);
        peer.destroy();
      });
    }
  }
}
