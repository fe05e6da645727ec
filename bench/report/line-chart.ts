/** One line of a chart: its label, colour and points (x, y). */
export interface ChartSeries {
  label: string;
  color: string;
  points: [number, number][];
}

const W = 560;
const H = 320;
const PAD = { left: 60, right: 16, top: 34, bottom: 44 };

/** A log-log line chart: cost against how much work there is. */
export function lineChart(title: string, xLabel: string, series: readonly ChartSeries[]): string {
  const xs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const ys = series.flatMap((s) => s.points.map(([, y]) => y)).filter((y) => y > 0);
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...ys)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
  const span = Math.max(1, Math.log10(xs.at(-1)! / xs[0]!));
  const px = (x: number) =>
    PAD.left + ((Math.log10(x) - Math.log10(xs[0]!)) / span) * (W - PAD.left - PAD.right);
  const py = (y: number) =>
    PAD.top +
    (1 - (Math.log10(y) - Math.log10(yMin)) / Math.log10(yMax / yMin)) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [
    `<text x="${W / 2}" y="18" text-anchor="middle" font-weight="bold">${title}</text>`,
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle">${xLabel}</text>`,
  ];
  for (let y = yMin; y <= yMax; y *= 10) {
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/><text x="${PAD.left - 6}" y="${py(y) + 4}" text-anchor="end">${y} ms</text>`,
    );
  }
  for (const x of xs) {
    parts.push(`<text x="${px(x)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${x}</text>`);
  }
  series.forEach((s, i) => {
    const pts = s.points
      .filter(([, y]) => y > 0)
      .map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`);
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(' ')}"/>`,
    );
    const ly = H + 18 + i * 16;
    parts.push(
      `<line x1="${PAD.left}" y1="${ly - 4}" x2="${PAD.left + 24}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/><text x="${PAD.left + 30}" y="${ly}">${s.label}</text>`,
    );
  });
  const height = H + 24 + series.length * 16;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>\n`;
}
