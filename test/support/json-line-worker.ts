import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Drives one compiled worker process from `test/src/`: JSON lines in, JSON lines out. */
export class JsonLineWorker {
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  private constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  }

  /** Starts `build/test/src/<script>.js` and waits for its first line (it is ready). */
  static async start(
    env: Record<string, string>,
    script = 'fault-worker',
    /** A network namespace to run it in (`ip netns exec` execs node in place: same pid). */
    netns?: string,
  ): Promise<JsonLineWorker> {
    const node = [process.execPath, `build/test/src/${script}.js`];
    const command = netns ? ['ip', 'netns', 'exec', netns, ...node] : node;
    const child = spawn(command[0]!, command.slice(1), {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const worker = new JsonLineWorker(child);
    await worker.next();
    return worker;
  }

  send(command: object): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  async next<T = Record<string, unknown>>(): Promise<T> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`worker ended (exit ${this.child.exitCode}): ${this.stderr}`);
    return JSON.parse(value as string) as T;
  }

  async ask<T = Record<string, unknown>>(command: object): Promise<T> {
    this.send(command);
    return this.next<T>();
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  dispose(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
