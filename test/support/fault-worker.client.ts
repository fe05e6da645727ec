import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Drives one compiled `test/src/fault-worker.ts` process: send a command, read replies. */
export class FaultWorker {
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  private constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  }

  static async start(env: Record<string, string>): Promise<FaultWorker> {
    const child = spawn(process.execPath, ['build/test/src/fault-worker.js'], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const worker = new FaultWorker(child);
    await worker.next();
    return worker;
  }

  send(command: object): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  async next<T = Record<string, unknown>>(): Promise<T> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`fault worker ended (exit ${this.child.exitCode}): ${this.stderr}`);
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
