import type { ContendedPoint } from '../workloads/contended.workload.js';

const COLORS: Record<string, string> = {
  ours: '#2563eb',
  etcd3: '#dc2626',
  seed: '#9333ea',
  redlock: '#16a34a',
};
const W = 420;
const H = 300;
const PAD = { left: 60, right: 16, top: 34, bottom: 44 };

/** Workload 2 as two log-scale panels (handoffs/s, p99 wait), one line per contender. */
export function contendedChart(
  points: readonly ContendedPoint[],
  labels: Record<string, string>,
): string {
  const panels = [
    panel(points, 0, 'handoffs per second (higher is better)', (p) => p.handoffsPerSecond),
    panel(points, W, 'p99 wait in ms (lower is better)', (p) => p.wait.p99),
  ];
  const series = seriesOf(points);
  const legend = series
    .map((s, i) => {
      const y = H + 18 + i * 16;
      const dash = s.processes > 1 ? ' stroke-dasharray="5 3"' : '';
      return `<line x1="${PAD.left}" y1="${y - 4}" x2="${PAD.left + 24}" y2="${y - 4}" stroke="${COLORS[s.kind]}" stroke-width="2"${dash}/><text x="${PAD.left + 30}" y="${y}">${labels[s.kind]}, ${s.processes === 1 ? 'one process' : `${s.processes} processes`}</text>`;
    })
    .join('');
  const height = H + 24 + series.length * 16;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${height}" font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="white"/>${panels.join('')}${legend}</svg>\n`;
}

function seriesOf(points: readonly ContendedPoint[]) {
  const keys = [...new Set(points.map((p) => `${p.kind}|${p.processes > 1 ? 'multi' : 'one'}`))];
  return keys.map((key) => {
    const [kind, mode] = key.split('|');
    const list = points
      .filter((p) => p.kind === kind && p.processes > 1 === (mode === 'multi'))
      .sort((a, b) => a.contenders - b.contenders);
    return { kind: kind!, processes: Math.max(...list.map((p) => p.processes)), list };
  });
}

function panel(
  points: readonly ContendedPoint[],
  x0: number,
  title: string,
  value: (p: ContendedPoint) => number,
): string {
  const xs = [...new Set(points.map((p) => p.contenders))].sort((a, b) => a - b);
  const ys = points.map(value).filter((v) => v > 0);
  const [yMin, yMax] = [
    10 ** Math.floor(Math.log10(Math.min(...ys))),
    10 ** Math.ceil(Math.log10(Math.max(...ys))),
  ];
  const px = (c: number) =>
    x0 +
    PAD.left +
    ((Math.log2(c) - Math.log2(xs[0]!)) / Math.max(1, Math.log2(xs.at(-1)! / xs[0]!))) *
      (W - PAD.left - PAD.right);
  const py = (v: number) =>
    PAD.top +
    (1 - (Math.log10(v) - Math.log10(yMin)) / Math.log10(yMax / yMin)) * (H - PAD.top - PAD.bottom);
  const grid: string[] = [];
  for (let v = yMin; v <= yMax; v *= 10) {
    grid.push(
      `<line x1="${x0 + PAD.left}" x2="${x0 + W - PAD.right}" y1="${py(v)}" y2="${py(v)}" stroke="#ddd"/><text x="${x0 + PAD.left - 6}" y="${py(v) + 4}" text-anchor="end">${v}</text>`,
    );
  }
  for (const c of xs) {
    grid.push(`<text x="${px(c)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${c}</text>`);
  }
  const lines = seriesOf(points).map((s) => {
    const pts = s.list
      .filter((p) => value(p) > 0)
      .map((p) => `${px(p.contenders).toFixed(1)},${py(value(p)).toFixed(1)}`);
    const dash = s.processes > 1 ? ' stroke-dasharray="5 3"' : '';
    return `<polyline fill="none" stroke="${COLORS[s.kind]}" stroke-width="2"${dash} points="${pts.join(' ')}"/>`;
  });
  return `<g><text x="${x0 + W / 2}" y="18" text-anchor="middle" font-weight="bold">${title}</text>${grid.join('')}<text x="${x0 + W / 2}" y="${H - 8}" text-anchor="middle">contenders on one key</text>${lines.join('')}</g>`;
}
