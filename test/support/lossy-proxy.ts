import { once } from 'node:events';
import { createServer, type Server, type Socket, connect } from 'node:net';

interface Link {
  client: Socket;
  server: Socket;
  /** Client bytes held back from etcd while this link is held. */
  held: Buffer[] | undefined;
}

/**
 * A TCP proxy on loopback in front of etcd, to lose or delay what crosses it.
 * - `dropReplies`: requests still reach etcd, but nothing comes back (a lost reply).
 * - `holdExisting()`: requests on the connections open now wait in the proxy, while new
 *   connections pass; `releaseHeld()` delivers them late, after the client has given up.
 * - `cutAll()`: breaks every connection, so the client retries on a fresh one.
 * - `dropHeldClients()`: the client side of held links breaks (its request failed, as far as
 *   the client knows) while the request still waits to be delivered late.
 * - `delayMs`: every chunk waits this long in each direction (a slow member or link), in order.
 */
export class LossyProxy {
  dropReplies = false;
  delayMs = 0;
  /** Reply bytes dropped so far (`dropReplies`). */
  droppedBytes = 0;
  private readonly links = new Set<Link>();
  private server: Server | undefined;

  constructor(private readonly upstream: string) {}

  async listen(): Promise<string> {
    const [host, port] = this.upstream.split(':');
    this.server = createServer((client) => {
      const link: Link = { client, server: connect(Number(port), host), held: undefined };
      this.links.add(link);
      const toServer = (chunk: Buffer) =>
        link.held ? link.held.push(chunk) : link.server.write(chunk);
      const toClient = (chunk: Buffer) => {
        if (this.dropReplies) this.droppedBytes += chunk.length;
        else if (!client.destroyed) client.write(chunk);
      };
      client.on('data', (chunk) => this.after(() => toServer(chunk)));
      link.server.on('data', (chunk) => this.after(() => toClient(chunk)));
      client.on('error', () => undefined);
      link.server.on('error', () => client.destroy());
      // A held link keeps its etcd side open after the client leaves, to deliver late.
      client.on('close', () => link.held === undefined && this.closeLink(link));
      link.server.on('close', () => this.closeLink(link));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** Now, or after `delayMs`: timers of one delay fire in the order they were set. */
  private after(forward: () => void): void {
    if (this.delayMs > 0) setTimeout(forward, this.delayMs);
    else forward();
  }

  holdExisting(): void {
    for (const link of this.links) link.held ??= [];
  }

  /** Bytes waiting in held links. */
  get heldBytes(): number {
    let total = 0;
    for (const link of this.links) for (const chunk of link.held ?? []) total += chunk.length;
    return total;
  }

  dropHeldClients(): void {
    for (const link of this.links) if (link.held) link.client.destroy();
  }

  /** Delivers held requests; resolves once etcd has answered on each link that had any. */
  async releaseHeld(): Promise<void> {
    const answered: Promise<unknown>[] = [];
    for (const link of this.links) {
      const held = link.held;
      link.held = undefined;
      if (!held?.length) continue;
      answered.push(once(link.server, 'data'));
      for (const chunk of held) link.server.write(chunk);
    }
    await Promise.all(answered);
  }

  cutAll(): void {
    for (const link of this.links) this.closeLink(link);
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private closeLink(link: Link): void {
    link.client.destroy();
    link.server.destroy();
    this.links.delete(link);
  }
}
