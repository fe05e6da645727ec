import { execFileSync } from 'node:child_process';
import { inject } from 'vitest';

/** Runs `etcdctl` (API v3) against one endpoint, with extra flags such as `--cacert`. */
export function etcdctlAt(endpoint: string, ...flags: string[]) {
  return (...args: string[]): void => {
    execFileSync(inject('etcdctl'), [`--endpoints=${endpoint}`, ...flags, ...args], {
      env: { ...process.env, ETCDCTL_API: '3' },
      stdio: 'ignore',
    });
  };
}

/** A user whose role (named after the user) may read, or read and write, under `prefix`. */
export interface EtcdUser {
  user: string;
  password: string;
  permission: 'read' | 'readwrite';
  prefix: string;
}

/** Adds `root` (password `root-pw`) and each user with its own role, then turns auth on. */
export function enableAuth(ctl: (...args: string[]) => void, users: readonly EtcdUser[]): void {
  ctl('user', 'add', 'root:root-pw');
  ctl('user', 'grant-role', 'root', 'root');
  for (const { user, password, permission, prefix } of users) {
    ctl('role', 'add', user);
    ctl('role', 'grant-permission', user, '--prefix=true', permission, prefix);
    ctl('user', 'add', `${user}:${password}`);
    ctl('user', 'grant-role', user, user);
  }
  ctl('auth', 'enable');
}
