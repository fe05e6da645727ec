import { get, type IncomingMessage } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * `count` open dashboard pages, in a thread of their own as browsers would be elsewhere: the
 * serving app's event loop carries only the sending. Posts `open` once every page has its
 * first list; answers `bytes` with the total received; `close` ends every stream.
 */
const { port, path, count } = workerData as { port: number; path: string; count: number };
let bytes = 0;
const requests: ReturnType<typeof get>[] = [];

function openPage(): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path }, (res: IncomingMessage) => {
      let first = true;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (!first || !chunk.includes('event: locks')) return;
        first = false;
        resolve();
      });
      res.on('error', () => undefined);
    });
    request.on('error', (error) =>
      error.message === 'socket hang up' ? undefined : reject(error),
    );
    requests.push(request);
  });
}

await Promise.all(Array.from({ length: count }, openPage));
parentPort!.postMessage({ open: true });
parentPort!.on('message', (message: string) => {
  if (message === 'bytes') parentPort!.postMessage({ bytes });
  if (message !== 'close') return;
  requests.forEach((r) => r.destroy());
  parentPort!.close();
});
