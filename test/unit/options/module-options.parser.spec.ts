import { afterEach, describe, expect, it } from 'vitest';
import { InvalidLockArgumentError } from '../../../lib/errors/invalid-lock-argument.error.js';
import { LOCK_DEFAULTS } from '../../../lib/options/lock-options.defaults.js';
import {
  parseHosts,
  parseLockSettings,
  parseModuleOptions,
} from '../../../lib/options/module-options.parser.js';

const envBefore = process.env.ETCD_HOSTS;
afterEach(() => {
  if (envBefore === undefined) delete process.env.ETCD_HOSTS;
  else process.env.ETCD_HOSTS = envBefore;
});

describe('parsing module options', () => {
  it('splits connection settings from lock settings, with every default filled in', () => {
    delete process.env.ETCD_HOSTS;
    const { connection, settings } = parseModuleOptions({ ttl: 4, isGlobal: false });
    expect(connection).toMatchObject({ hosts: ['127.0.0.1:2379'], callTimeout: 5000 });
    expect(settings).toEqual({
      prefix: 'nestjs-lock/',
      shutdownTimeout: 10_000,
      log: 'lost',
      telemetry: true,
      alerts: { heldLongerThan: Infinity, waitingLongerThan: Infinity },
      clock: Date.now,
      defaults: { ...LOCK_DEFAULTS, ttl: 4 },
    });
  });

  it('takes a clock for @OncePerTick, and refuses one that is not a function', () => {
    const clock = () => 42;
    expect(parseModuleOptions({ clock }).settings.clock).toBe(clock);
    expect(() => parseModuleOptions({ clock: 42 } as never)).toThrow(/clock: expected a function/);
  });

  it('reads the alert thresholds, and refuses ones that are not milliseconds', () => {
    const { settings } = parseModuleOptions({ alerts: { heldLongerThan: 30_000 } });
    expect(settings.alerts).toEqual({ heldLongerThan: 30_000, waitingLongerThan: Infinity });
    expect(() => parseModuleOptions({ alerts: { heldLongerThan: -1 } })).toThrow(/heldLongerThan/);
    expect(() => parseModuleOptions({ alerts: { after: 5 } } as never)).toThrow(/after/);
  });

  it('gives a silent member 1 s when there is another to ask, and a lone member 5 s', () => {
    expect(parseModuleOptions({ hosts: 'a:1,b:1' }).connection.callTimeout).toBe(1000);
    expect(parseModuleOptions({ hosts: 'a:1' }).connection.callTimeout).toBe(5000);
    expect(parseModuleOptions({ hosts: 'a:1', callTimeout: 300 }).connection.callTimeout).toBe(300);
  });

  it('rejects unknown keys and bad values by name', () => {
    expect(() => parseModuleOptions({ host: 'x' })).toThrow(/unknown option\(s\) host/);
    expect(() => parseModuleOptions({ log: 'loud' })).toThrow(/Invalid log/);
    expect(() => parseModuleOptions({ prefix: 3 })).toThrow(/Invalid prefix/);
    expect(() => parseModuleOptions({ callTimeout: -1 })).toThrow(/Invalid callTimeout/);
  });

  it('refuses connection settings where there is no etcd', () => {
    expect(() => parseLockSettings({ hosts: ['a:1'] }, 'EtcdLockTestingModule options')).toThrow(
      /hosts configure etcd, which the in-memory backend does not use/,
    );
  });
});

describe('parsing hosts', () => {
  it('reads one comma-separated string as several hosts, as etcdctl --endpoints does', () => {
    expect(parseHosts('a:2379, b:2379,http://c:2379')).toEqual([
      'a:2379',
      'b:2379',
      'http://c:2379',
    ]);
  });

  it('takes ETCD_HOSTS when hosts is not given', () => {
    process.env.ETCD_HOSTS = '10.0.0.1:2379,10.0.0.2:2379';
    expect(parseHosts(undefined)).toEqual(['10.0.0.1:2379', '10.0.0.2:2379']);
  });

  it('rejects an empty entry and names hosts', () => {
    const parse = () => parseHosts('a:2379,,b:2379');
    expect(parse).toThrow(InvalidLockArgumentError);
    expect(parse).toThrow(/Invalid hosts: entry 2 \(""\)/);
  });

  it('rejects a malformed host, an empty array and a non-string', () => {
    expect(() => parseHosts(['a:2379/x'])).toThrow(/Invalid hosts: entry 1/);
    expect(() => parseHosts(['a b:2379'])).toThrow(/Invalid hosts/);
    expect(() => parseHosts([])).toThrow(/Invalid hosts/);
    expect(() => parseHosts([7])).toThrow(/Invalid hosts: entry 1 \(7\)/);
  });

  it('names ETCD_HOSTS when the bad value came from there', () => {
    process.env.ETCD_HOSTS = 'a:2379,';
    expect(() => parseHosts(undefined)).toThrow(/Invalid ETCD_HOSTS: entry 2/);
  });

  it('accepts IPv6 literals and URLs', () => {
    expect(parseHosts(['[::1]:2379', 'https://etcd.example:2379'])).toHaveLength(2);
  });

  it('refuses credentials in a host without echoing them, and points to auth', () => {
    for (const hosts of ['https://root:hunter2@etcd.example:2379', 'root:hunter2@10.0.0.1:2379']) {
      const error = (() => {
        try {
          parseHosts(hosts);
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error).toBeInstanceOf(InvalidLockArgumentError);
      expect(error!.message).toContain('auth: { username, password }');
      expect(error!.message).not.toContain('hunter2');
    }
  });
});
