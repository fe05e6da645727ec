import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { type LockLogLevel, LockService } from '../../lib/index.js';
import { EtcdLockTestingModule, InMemoryLockBackend } from '../../lib/testing/index.js';
import { CapturingLogger } from '../support/capturing-logger.js';

async function logsOf(log: LockLogLevel | undefined): Promise<string[]> {
  const logger = new CapturingLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [EtcdLockTestingModule.forRoot(log === undefined ? {} : { log })],
  })
    .setLogger(logger)
    .compile();
  const locks = moduleRef.get(LockService);
  await locks.withLock('quiet', () => undefined);
  await locks.acquire('doomed');
  moduleRef.get(InMemoryLockBackend).loseLock('doomed', 'lease expired');
  await moduleRef.close();
  return logger.lines;
}

describe("lock events in Nest's Logger", () => {
  it('are quiet by default: only a lost lock, as a warning', async () => {
    const lines = await logsOf(undefined);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn lost "doomed" after holding it [\d.]+ ms: .*lease expired/);
  });

  it("log every event at debug level with log: 'all', and nothing with 'none'", async () => {
    const all = await logsOf('all');
    // acquired + released for "quiet", acquired for "doomed"; its loss is the warning
    expect(all.filter((l) => l.startsWith('debug'))).toHaveLength(3);
    expect(all.filter((l) => l.startsWith('warn'))).toHaveLength(1);
    expect(await logsOf('none')).toEqual([]);
  });
});
