/**
 * An SVG chart of write latency over time: one row per pattern, naive and safe side by side on
 * the same axes, so a stall reads as a spike on the left and its absence on the right. Latency
 * is on a log scale (a 5 ms write and a 5 s stall both stay visible); each plotted point is the
 * longest write in flight during its slice of time, so no stall is averaged away. Plain SVG, no dependencies:
 * it opens in a browser and renders on GitHub.
 */
export interface LatencySeries {
  title: string;
  /** [ms since the change started, write latency ms] */
  samples: Array<[number, number]>;
  color: string;
}

export interface ChartRow {
  label: string;
  naive: LatencySeries;
  safe: LatencySeries;
}

const PANEL_W = 440;
const PANEL_H = 150;
const MARGIN = { left: 56, right: 16, top: 34, bottom: 30 };
const CELL_W = PANEL_W + MARGIN.left + MARGIN.right;
const CELL_H = PANEL_H + MARGIN.top + MARGIN.bottom;
const SLICES = 220;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const msLabel = (ms: number) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

/**
 * For each slice of time, the longest write that was in flight during it: a write that waited
 * 500 ms counts in every slice it spanned, so a stall reads as a plateau, not a late dot.
 */
function slicePeaks(samples: Array<[number, number]>, spanMs: number): Array<[number, number]> {
  const peaks = new Array<number>(SLICES).fill(0);
  const slice = (t: number) => Math.max(0, Math.min(SLICES - 1, Math.floor((t / spanMs) * SLICES)));
  for (const [end, ms] of samples) {
    for (let i = slice(end - ms); i <= slice(end); i += 1) peaks[i] = Math.max(peaks[i]!, ms);
  }
  return peaks.flatMap((ms, i): Array<[number, number]> => (ms > 0 ? [[((i + 0.5) / SLICES) * spanMs, ms]] : []));
}

function panel(series: LatencySeries, x0: number, y0: number, spanMs: number, topMs: number): string {
  const bottomMs = 0.1;
  const y = (ms: number) =>
    y0 + PANEL_H - (Math.log10(Math.max(ms, bottomMs) / bottomMs) / Math.log10(topMs / bottomMs)) * PANEL_H;
  const x = (t: number) => x0 + (t / spanMs) * PANEL_W;
  const parts: string[] = [];
  for (let tick = bottomMs; tick <= topMs * 1.0001; tick *= 10) {
    parts.push(
      `<line x1="${x0}" x2="${x0 + PANEL_W}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#e3e3e3"/>`,
    );
    parts.push(
      `<text x="${x0 - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${msLabel(Number(tick.toPrecision(1)))}</text>`,
    );
  }
  const seconds = spanMs / 1000;
  const step = seconds > 20 ? 10 : seconds > 8 ? 2 : seconds > 3 ? 1 : 0.5;
  for (let s = 0; s <= seconds + 1e-9; s += step) {
    parts.push(
      `<text x="${x(s * 1000).toFixed(1)}" y="${y0 + PANEL_H + 16}" text-anchor="middle">${Number(s.toFixed(1))} s</text>`,
    );
  }
  parts.push(`<rect x="${x0}" y="${y0}" width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#999"/>`);
  const points = slicePeaks(series.samples, spanMs)
    .map(([t, ms]) => `${x(t).toFixed(1)},${y(ms).toFixed(1)}`)
    .join(' ');
  parts.push(`<polyline points="${points}" fill="none" stroke="${series.color}" stroke-width="1.5"/>`);
  parts.push(`<text x="${x0}" y="${y0 - 8}" font-weight="bold">${escapeXml(series.title)}</text>`);
  return parts.join('\n');
}

export function renderLatencyChart(rows: ChartRow[], caption: string): string {
  const width = CELL_W * 2;
  const height = CELL_H * rows.length + 30;
  const body: string[] = [
    `<text x="${MARGIN.left}" y="20" font-size="14" font-weight="bold">${escapeXml(caption)}</text>`,
  ];
  rows.forEach((row, i) => {
    const all = [...row.naive.samples, ...row.safe.samples];
    const spanMs = Math.max(1, ...all.map(([t]) => t));
    const peak = Math.max(1, ...all.map(([, ms]) => ms));
    const topMs = 10 ** Math.ceil(Math.log10(peak));
    const top = 30 + i * CELL_H + MARGIN.top;
    body.push(panel(row.naive, MARGIN.left, top, spanMs, topMs));
    body.push(panel(row.safe, CELL_W + MARGIN.left, top, spanMs, topMs));
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
${body.join('\n')}
</svg>
`;
}
