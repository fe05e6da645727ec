import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startEtcd } from '../../tools/etcd/etcd-process.js';
import { findEtcd } from '../../tools/etcd/find-etcd.js';

/**
 * Compiles the library (dist/, for the CommonJS check) and the test app (build/, for worker
 * processes), then starts a throwaway etcd unless ETCD_HOSTS points at one.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tsc = 'node_modules/typescript/bin/tsc';
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.apps.json'], { stdio: 'inherit' });
  if (process.env.ETCD_HOSTS) {
    project.provide('etcdHosts', process.env.ETCD_HOSTS);
    project.provide('etcdctl', safeEtcdctl());
    return async () => undefined;
  }
  const etcd = await startEtcd();
  project.provide('etcdHosts', etcd.endpoint);
  project.provide('etcdctl', etcd.etcdctl ?? '');
  return () => etcd.stop();
}

function safeEtcdctl(): string {
  try {
    return findEtcd().etcdctl ?? '';
  } catch {
    return '';
  }
}
