import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import { TracerService } from '@nestjs/observe';
import { type INestApplication, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { EtcdLockModule, LockService } from '../../lib/index.js';
import { EtcdLockTestingModule, InMemoryLockBackend } from '../../lib/testing/index.js';
import { etcdHosts, uniquePrefix } from '../support/lock-app.js';
import { codeBlocks } from '../support/readme.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'build/readme-samples');

/**
 * Every ```ts block of the README and of docs/, as the file name it is checked under: the one
 * its first line names (`// src/main.ts`), so blocks can import each other, or a number.
 */
function samples(): Map<string, string> {
  const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
  const pages = ['README.md', ...docs.map((f) => `docs/${f}`)];
  const blocks = pages.flatMap((page) => codeBlocks(page).filter((b) => b.lang === 'ts'));
  return new Map(
    blocks.map((block, i) => [
      block.file ? basename(block.file) : `sample-${String(i + 1).padStart(2, '0')}.ts`,
      block.code,
    ]),
  );
}

/** Boots a sample's module over HTTP on a free port, with ETCD_HOSTS pointing at the test etcd. */
async function serve(module: Type): Promise<{ app: INestApplication; url: string }> {
  const before = process.env.ETCD_HOSTS;
  process.env.ETCD_HOSTS = etcdHosts();
  try {
    const app = await NestFactory.create(module, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
  } finally {
    if (before === undefined) delete process.env.ETCD_HOSTS;
    else process.env.ETCD_HOSTS = before;
  }
}

describe('README code samples', () => {
  const files = samples();
  beforeAll(() => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    for (const [name, code] of files) writeFileSync(join(OUT, name), code);
  });

  it('type-check against the library, each as a module of its own', () => {
    expect(files.size).toBeGreaterThanOrEqual(11);
    const lib = (path: string) => [`../../lib/${path}`];
    const tsconfig = {
      extends: '../../tsconfig.json',
      compilerOptions: {
        noEmit: true,
        rootDir: '../..',
        noUnusedLocals: false,
        noUnusedParameters: false,
        paths: {
          'nestjs-etcd-lock': lib('index.ts'),
          'nestjs-etcd-lock/testing': lib('testing/index.ts'),
          'nestjs-etcd-lock/terminus': lib('health/index.ts'),
          'nestjs-etcd-lock/sql': lib('sql/index.ts'),
        },
      },
      include: ['*.ts'],
    };
    writeFileSync(join(OUT, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    const tsc = join(ROOT, 'node_modules/.bin/tsc');
    let output = '';
    try {
      execFileSync(tsc, ['-p', join(OUT, 'tsconfig.json')], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output, 'tsc errors in README samples (see build/readme-samples)').toBe('');
  });

  it('the @nestjs/observe recipe feeds its metric classes (TracerService without the agent)', async () => {
    const [name] = [...files].find(([, code]) => code.includes('LockObserveMetrics'))!;
    const { LockObserveMetrics } = (await import(join(OUT, name))) as {
      LockObserveMetrics: new (...args: never[]) => object;
    };
    // The agent ships metrics to the hosted service; here a stub buffer stands in for it.
    const agent = { upsertCustomMetric: () => undefined } as never;
    const tracer = new TracerService(
      undefined as never,
      new AsyncLocalStorage<never>(),
      agent,
      {} as never,
    );
    const moduleRef = await Test.createTestingModule({
      imports: [EtcdLockTestingModule.forRoot()],
      providers: [LockObserveMetrics, { provide: TracerService, useValue: tracer }],
    }).compile();
    await moduleRef.init();
    const locks = moduleRef.get(LockService);
    await locks.withLock('observed', () => undefined);
    const doomed = await locks.acquire('doomed');
    moduleRef.get(InMemoryLockBackend).loseLock('doomed');
    expect(doomed.held).toBe(false);
    expect(tracer.summary('etcd_lock.wait_ms').observations).toEqual({ default: 2 });
    expect(tracer.summary('etcd_lock.hold_ms').observations).toEqual({ default: 2 });
    expect(tracer.counter('etcd_lock.lost').getValue()).toBe(1);
    expect(tracer.gauge('etcd_lock.held').getValue()).toBe(0);
    await moduleRef.close();
  });

  it("the health recipe reports the app's own lock module, wherever its etcd is", async () => {
    const [name] = [...files].find(([, code]) => code.includes('class HealthModule'))!;
    const { HealthModule } = (await import(join(OUT, name))) as { HealthModule: Type };
    @Module({
      imports: [
        EtcdLockModule.forRoot({ hosts: etcdHosts(), prefix: uniquePrefix('readme-health') }),
        HealthModule,
      ],
    })
    class AppModule {}
    const { app, url } = await serve(AppModule);
    const res = await fetch(`${url}/health`);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      info: { 'etcd-lock': { status: 'up' } },
    });
    await app.close();
  });

  it('the unit-test sample runs and shows contention and loss without etcd', async () => {
    const [name] = [...files].find(([, code]) => code.includes('jobSkipsWhileHeld'))!;
    const sample = (await import(join(OUT, name))) as { jobSkipsWhileHeld(): Promise<boolean> };
    await expect(sample.jobSkipsWhileHeld()).resolves.toBe(true);
  });
});
