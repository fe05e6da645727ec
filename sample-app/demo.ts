import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Etcd3 } from 'etcd3';
import { type EtcdInstance, startEtcd, terminate } from '../tools/etcd/etcd-process.js';
import { freePort } from '../tools/etcd/free-port.js';

const INSTANCES = 3;
const STOCK = 10;
const REQUESTS = 60;

interface Summary {
  orders: number;
  remaining: number;
  oversold: number;
}

/** Starts etcd and three replicas of the sample app, then races reservations at them. */
async function main(): Promise<void> {
  const etcd: EtcdInstance | undefined = process.env.ETCD_HOSTS ? undefined : await startEtcd();
  const hosts = process.env.ETCD_HOSTS ?? etcd!.endpoint;
  const apps: ChildProcess[] = [];
  try {
    const urls: string[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      const port = await freePort();
      apps.push(startInstance(`replica-${i + 1}`, port, hosts));
      urls.push(`http://127.0.0.1:${port}`);
    }
    await Promise.all(apps.map(waitListening));
    console.log(`etcd ${hosts}; ${INSTANCES} replicas: ${urls.join(' ')}`);
    console.log(
      `${REQUESTS} concurrent reservations for ${STOCK} seats, spread over the replicas:\n`,
    );
    const locked = await race(urls, 'seats-locked', 'reserve');
    const unlocked = await race(urls, 'seats-unguarded', 'reserve-unguarded');
    const jobRuns = await reportJobRuns(hosts);
    console.log(`  with @WithLock:   ${line(locked)}`);
    console.log(`  lock switched off: ${line(unlocked)}`);
    console.log(`  report job (@Cron + @OncePerTick): ${jobRuns}`);
    console.log(`\noversold with the lock: ${locked.oversold}; without it: ${unlocked.oversold}`);
    if (locked.oversold !== 0) process.exitCode = 1;
  } finally {
    await Promise.all(apps.map((app) => terminate(app)));
    await etcd?.stop();
  }
}

async function race(urls: string[], sku: string, route: string): Promise<Summary> {
  const restock = await fetch(`${urls[0]}/inventory/${sku}/restock?quantity=${STOCK}`, {
    method: 'POST',
  });
  if (!restock.ok) throw new Error(`restock failed: ${restock.status} ${await restock.text()}`);
  await Promise.all(
    Array.from({ length: REQUESTS }, (_, i) =>
      fetch(`${urls[i % urls.length]}/inventory/${sku}/${route}`, { method: 'POST' }).then((r) =>
        r.text(),
      ),
    ),
  );
  const res = await fetch(`${urls[0]}/inventory/${sku}?initial=${STOCK}`);
  return (await res.json()) as Summary;
}

function line(s: Summary): string {
  return `orders ${s.orders} for ${STOCK} seats, remaining ${s.remaining}, oversold ${s.oversold}`;
}

async function reportJobRuns(hosts: string): Promise<string> {
  const client = new Etcd3({ hosts });
  try {
    const runs = (await client.get('report-job/runs').number()) ?? 0;
    const by = await client.getAll().prefix('report-job/by/').keys();
    return `${runs} run(s) so far, by ${by.map((k) => k.split('/').pop()).join(', ') || 'none yet'}`;
  } finally {
    client.close();
  }
}

function startInstance(name: string, port: number, hosts: string): ChildProcess {
  return spawn(process.execPath, ['build/sample-app/main.js'], {
    env: { ...process.env, PORT: String(port), ETCD_HOSTS: hosts, INSTANCE_NAME: name },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function waitListening(app: ChildProcess): Promise<void> {
  const lines = createInterface({ input: app.stdout! });
  const exited = once(app, 'exit').then(([code]) => {
    throw new Error(`a replica exited with code ${code} before it listened`);
  });
  const listening = once(lines, 'line');
  await Promise.race([listening, exited]);
  exited.catch(() => undefined);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
