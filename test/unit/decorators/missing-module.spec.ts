import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { LockModuleMissingError, OnlyLeader, WithLock } from '../../../lib/index.js';
import { EtcdLockTestingModule } from '../../../lib/testing/index.js';

const boot = async (module: object) => {
  const app = await NestFactory.createApplicationContext(module, {
    logger: false,
    abortOnError: false,
  });
  await app.close();
};

describe('a decorated class in an app without EtcdLockModule', () => {
  it('fails at boot with LockModuleMissingError naming the class, the method and the fix', async () => {
    @Injectable()
    class Seats {
      @WithLock('seat')
      async reserve(): Promise<void> {}
    }
    @Module({ providers: [Seats] })
    class AppModule {}
    const failure = boot(AppModule);
    await expect(failure).rejects.toBeInstanceOf(LockModuleMissingError);
    await expect(failure).rejects.toThrow(
      '@WithLock on Seats.reserve needs LockService, which the module of Seats cannot see: ' +
        'import EtcdLockModule.forRoot() (or EtcdLockTestingModule) in this module or a global one.',
    );
    await expect(failure).rejects.not.toThrow(/Symbol|property is available/);
  });

  it("names @OnlyLeader's service, and runs none of the class's own onModuleInit", async () => {
    const ran: string[] = [];
    @Injectable()
    class Report implements OnModuleInit {
      onModuleInit(): void {
        ran.push('own');
      }
      @OnlyLeader('reports')
      async send(): Promise<void> {}
    }
    @Module({ providers: [Report] })
    class AppModule {}
    await expect(boot(AppModule)).rejects.toThrow(
      /@OnlyLeader on Report\.send needs LeaderService/,
    );
    expect(ran).toEqual([]);
  });

  it("runs the class's own onModuleInit once the module is imported", async () => {
    const ran: string[] = [];
    @Injectable()
    class Report implements OnModuleInit {
      onModuleInit(): void {
        ran.push('own');
      }
      @WithLock('reports')
      async send(): Promise<void> {}
    }
    @Module({ imports: [EtcdLockTestingModule.forRoot()], providers: [Report] })
    class AppModule {}
    await boot(AppModule);
    expect(ran).toEqual(['own']);
  });

  it('fails at init of a testing module, and a call without init names the fix too', async () => {
    @Injectable()
    class Job {
      @WithLock('job')
      async run(): Promise<void> {}
    }
    const moduleRef = await Test.createTestingModule({ providers: [Job] }).compile();
    await expect(moduleRef.get(Job).run()).rejects.toThrow(
      /@WithLock on Job\.run has no LockService: import EtcdLockModule\.forRoot\(\)/,
    );
    await expect(moduleRef.init()).rejects.toBeInstanceOf(LockModuleMissingError);
  });
});
