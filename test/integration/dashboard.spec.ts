import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import {
  type CanActivate,
  type INestApplication,
  Injectable,
  Module,
  type DynamicModule,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EtcdLockDashboardModule,
  type EtcdLockDashboardOptions,
  EtcdLockModule,
  JobsService,
  type LockLostError,
  LockService,
  OncePerTick,
} from '../../lib/index.js';
import { findChromium } from '../../tools/browser/find-chromium.js';
import { etcdHosts, uniquePrefix } from '../support/lock-app.js';

/** A job called by hand: a tick each second, reported missed one second after its time. */
@Injectable()
class ReportJob {
  @OncePerTick('hourly-report', { cron: '* * * * * *', missedAfter: 1_000 })
  async run(): Promise<string | undefined> {
    return 'sent';
  }
}

async function serve(
  prefix: string,
  dashboard: EtcdLockDashboardOptions,
): Promise<{
  app: INestApplication;
  url: string;
}> {
  @Module({
    imports: [
      EtcdLockModule.forRoot({ hosts: etcdHosts(), prefix }),
      EtcdLockDashboardModule.forRoot(dashboard) as DynamicModule,
    ],
    providers: [ReportJob],
  })
  class DashboardApp {}
  const app = await NestFactory.create(DashboardApp, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

@Injectable()
class DenyAll implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

describe('the dashboard in a real browser', () => {
  const prefix = uniquePrefix('dashboard');
  let served: { app: INestApplication; url: string };
  let browser: Browser;
  let page: Page;
  let locks: LockService;

  // Installing Chromium with apt, when it is missing, takes a minute or two.
  beforeAll(async () => {
    const executablePath = findChromium();
    // Well above the dashboard's 500 ms between reads, so a lock taken just after another
    // change (its row shown on the next read) is not yet flagged when its row appears.
    served = await serve(prefix, { forceRelease: true, heldLongerThan: 1_500 });
    locks = served.app.get(LockService);
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 480 } });
    await page.goto(`${served.url}/locks`);
    await page.waitForSelector('#status.live');
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await served?.app.close();
  });

  it('shows a lock within a second of its acquisition, and drops it after the release', async () => {
    const before = performance.now();
    const lock = await locks.acquire('seat:42');
    await page.waitForSelector('tr[data-lock="seat:42"]', { timeout: 1_000 });
    const shownMs = performance.now() - before;
    await expect(page.textContent('tr[data-lock="seat:42"]')).resolves.toContain(
      String(lock.fencingToken),
    );
    await lock.release();
    await page.waitForSelector('tr[data-lock="seat:42"]', { state: 'detached', timeout: 1_000 });
    expect(shownMs).toBeLessThan(1_000);
  });

  it('flags a lock held longer than heldLongerThan, and keeps a screenshot', async () => {
    const migration = await locks.acquire('tenant:7:migrate');
    const waiter = locks.acquire('tenant:7:migrate', { waitTimeout: 30_000 });
    await page.waitForSelector('tr.flagged[data-lock="tenant:7:migrate"]', { timeout: 5_000 });
    const fresh = await Promise.all([
      locks.acquire('exports', { permits: 3 }),
      locks.acquire('catalog', { mode: 'read' }),
    ]);
    await page.waitForSelector('tr[data-lock="catalog"]', { timeout: 1_000 });
    await expect(page.textContent('#summary')).resolves.toMatch(/1 held too long/);
    mkdirSync('build', { recursive: true });
    await page.screenshot({ path: 'build/dashboard.png' });
    await Promise.all([migration, ...fresh].map((l) => l.release()));
    await (await waiter).release();
  });

  it("shows a job's last run as JobsService records it, then flags the ticks no replica ran", async () => {
    expect(await served.app.get(ReportJob).run()).toBe('sent');
    const [last] = await served.app.get(JobsService).runs('hourly-report');
    const row = 'tr[data-job="hourly-report"]';
    // The panel is read every 2 s: a read during the run shows it `running` until the next.
    await page.waitForSelector(`${row} td.ok`, { timeout: 5_000 });
    const cells = await page.$$eval(`${row} td`, (tds) => tds.map((td) => td.textContent));
    expect(cells.slice(3, 6)).toEqual(['ok', expect.stringMatching(/ s$/), last!.replica]);
    expect(last!.outcome).toBe('ok');
    // Nobody runs the job after that: a tick more than missedAfter old is flagged missed.
    await page.waitForSelector(`${row}.flagged .badge`, { timeout: 8_000 });
    await expect(page.textContent(`${row} .badge`)).resolves.toMatch(/^\d+ missed$/);
    await page.screenshot({ path: 'build/dashboard-jobs.png', fullPage: true });
  });

  it('force-releases through the button: asks a reason, the holder is told, the feed says so', async () => {
    const stuck = await locks.acquire('stuck-job');
    page.once('dialog', (dialog) => void dialog.accept('hung after deploy'));
    // A locator, not a handle: the page redraws its rows every second.
    await page.locator('tr[data-lock="stuck-job"] button').click();
    if (!stuck.signal.aborted) await once(stuck.signal, 'abort');
    expect((stuck.signal.reason as LockLostError).reason).toBe(
      'released by an operator: hung after deploy',
    );
    await page.waitForSelector('#feed li.lock-force-released', { timeout: 2_000 });
    await expect(page.textContent('#feed')).resolves.toContain('hung after deploy');
  });

  it('arrives with the locks held now, drawn before its stream connects (a proxy that buffers it)', async () => {
    const held = await locks.acquire('seat:first-paint');
    const buffered = await browser.newPage();
    try {
      // A proxy that buffers server-sent events delivers nothing: the stream never opens.
      await buffered.route('**/locks/stream', () => new Promise(() => undefined));
      await buffered.goto(`${served.url}/locks`, { waitUntil: 'domcontentloaded' });
      const row = buffered.locator('tr[data-lock="seat:first-paint"]');
      await expect(row.textContent()).resolves.toContain(String(held.fencingToken));
      await expect(buffered.isHidden('#empty')).resolves.toBe(true);
      await expect(buffered.textContent('#summary')).resolves.toMatch(/^\d+ locks · /);
      await expect(buffered.isVisible('#status.live')).resolves.toBe(false);
    } finally {
      await buffered.close();
      await held.release();
    }
  });

  it('refuses a cross-site form post to force-release, and the lock stays held', async () => {
    const target = await locks.acquire('csrf-target');
    // A hostile page on another site (127.0.0.2 is another host to the browser), with a form
    // that posts to the dashboard as soon as it loads, cookies and all.
    const hostile = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<form method="POST" action="${served.url}/locks/release">` +
          '<input name="name" value="csrf-target"><input name="reason" value="owned"></form>' +
          '<script>document.forms[0].submit()</script>',
      );
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.2', resolve));
    const { port } = hostile.address() as AddressInfo;
    const attacked = await browser.newPage();
    try {
      const answered = attacked.waitForResponse((r) => r.url().endsWith('/locks/release'));
      await attacked.goto(`http://127.0.0.2:${port}/`);
      const status = (await answered).status();
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(target.held).toBe(true);
      expect((await target.ifHeld().commit()).succeeded).toBe(true);
    } finally {
      await attacked.close();
      hostile.close();
      await target.release();
    }
  });
});

describe('the dashboard without a browser', () => {
  const prefix = uniquePrefix('dashboard-closed');
  const apps: INestApplication[] = [];
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  it('serves its page with a strict CSP and no framing, and takes only JSON from its own origin', async () => {
    const { app, url } = await serve(prefix, { forceRelease: true });
    apps.push(app);
    const res = await fetch(`${url}/locks`);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toMatch(
      /default-src 'none'.*frame-ancestors 'none'/,
    );
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${url}/locks/release`, { method: 'POST', headers, body }).then((r) => r.status);
    const json = JSON.stringify({ name: 'nothing-held', reason: 'test' });
    const form = 'name=nothing-held&reason=test';
    expect(await post({ 'content-type': 'application/x-www-form-urlencoded' }, form)).toBe(415);
    expect(await post({ 'content-type': 'text/plain' }, json)).toBe(415);
    const fromElsewhere = { 'content-type': 'application/json', origin: 'http://evil.test' };
    expect(await post(fromElsewhere, json)).toBe(403);
    const sameSite = { 'content-type': 'application/json', 'sec-fetch-site': 'same-site' };
    expect(await post(sameSite, json)).toBe(403);
    const own = { 'content-type': 'application/json', origin: new URL(url).origin };
    expect(await post(own, json)).toBe(200);
  });

  it('embeds a hostile lock name as data that cannot close its element, and streams unbuffered', async () => {
    const { app, url } = await serve(prefix, {});
    apps.push(app);
    const name = '</script><script>alert(1)</script>';
    const held = await app.get(LockService).acquire(name);
    const page = await (await fetch(`${url}/locks`)).text();
    expect(page).not.toContain(name);
    expect(page).toContain('\\u003c/script>\\u003cscript>alert(1)\\u003c/script>');
    expect(page.match(/<script/g)).toHaveLength(3); // the two data blocks and the page's script
    await held.release();
    const controller = new AbortController();
    const stream = await fetch(`${url}/locks/stream`, { signal: controller.signal });
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    controller.abort();
  });

  it('refuses force-release unless it is turned on', async () => {
    const { app, url } = await serve(prefix, {});
    apps.push(app);
    const res = await fetch(`${url}/locks/release`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', reason: 'test' }),
    });
    expect(res.status).toBe(403);
    const page = await (await fetch(`${url}/locks`)).text();
    expect(page).toContain('"forceRelease":false');
  });

  it('puts the guards it is given in front of every route', async () => {
    const { app, url } = await serve(prefix, { path: '/ops/locks', guards: [DenyAll] });
    apps.push(app);
    expect((await fetch(`${url}/ops/locks`)).status).toBe(403);
    expect((await fetch(`${url}/ops/locks/stream`)).status).toBe(403);
  });

  it('refuses bad options when the module is built', () => {
    expect(() => EtcdLockDashboardModule.forRoot({ path: 'locks' })).toThrow(/path/);
    expect(() => EtcdLockDashboardModule.forRoot({ forceRelease: 'yes' as never })).toThrow(
      /forceRelease/,
    );
    expect(() => EtcdLockDashboardModule.forRoot({ bogus: 1 } as never)).toThrow(/bogus/);
  });
});
