// A small SVG line-chart writer for the nesting figure (no dependencies): one polyline with point
// markers per series over integer x values, linear axes with ticks and labels, a title and a legend.
// Text is XML-escaped; numbers are rounded to 0.1 px. Above: bench-nesting.ts. Below: nothing.

export interface Series {
  readonly label: string;
  /** y for x = 0, 1, 2, ... (null: no point). */
  readonly ys: readonly (number | null)[];
  readonly dashed?: boolean;
  /** Index into the palette (series that belong together share a colour). */
  readonly color: number;
}

export interface Chart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Label of each x value (x = index). */
  readonly xTicks: readonly string[];
  readonly series: readonly Series[];
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

export const escapeXml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const r1 = (x: number): string => (Math.round(x * 10) / 10).toString();

/** A "nice" step for about `n` ticks over [0, span]: 1, 2 or 5 times a power of ten. */
const niceStep = (span: number, n: number): number => {
  const raw = span / n, p = 10 ** Math.floor(Math.log10(raw)), m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
};

export const lineChart = (c: Chart): string => {
  const W = 720, H = 440, L = 70, R = 200, T = 40, B = 60;
  const pw = W - L - R, ph = H - T - B;
  const ys = c.series.flatMap((s) => s.ys.filter((y): y is number => y !== null && Number.isFinite(y)));
  const yMin = Math.min(1, ...ys), yMaxRaw = Math.max(1, ...ys);
  const step = niceStep(Math.max(yMaxRaw - yMin, 0.1), 5);
  const y0 = Math.floor(yMin / step) * step, y1 = Math.max(Math.ceil(yMaxRaw / step) * step, y0 + step);
  const nx = Math.max(c.xTicks.length - 1, 1);
  const px = (x: number): number => L + (pw * x) / nx;
  const py = (y: number): number => T + ph - (ph * (y - y0)) / (y1 - y0);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(c.title)}</text>`);
  // axes, grid and ticks
  out.push(`<line x1="${L}" y1="${T + ph}" x2="${L + pw}" y2="${T + ph}" stroke="black"/>`);
  out.push(`<line x1="${L}" y1="${T}" x2="${L}" y2="${T + ph}" stroke="black"/>`);
  for (let y = y0; y <= y1 + step / 1000; y += step) {
    const yy = r1(py(y));
    out.push(`<line x1="${L}" y1="${yy}" x2="${L + pw}" y2="${yy}" stroke="#ddd"/>`);
    out.push(`<text x="${L - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${escapeXml(Number(y.toPrecision(6)).toString())}</text>`);
  }
  c.xTicks.forEach((t, i) => {
    const xx = r1(px(i));
    out.push(`<line x1="${xx}" y1="${T + ph}" x2="${xx}" y2="${T + ph + 5}" stroke="black"/>`);
    out.push(`<text x="${xx}" y="${T + ph + 18}" text-anchor="middle">${escapeXml(t)}</text>`);
  });
  out.push(`<text x="${L + pw / 2}" y="${H - 14}" text-anchor="middle">${escapeXml(c.xLabel)}</text>`);
  out.push(`<text x="18" y="${T + ph / 2}" text-anchor="middle" transform="rotate(-90 18 ${T + ph / 2})">${escapeXml(c.yLabel)}</text>`);
  // series
  for (const s of c.series) {
    const color = PALETTE[s.color % PALETTE.length]!;
    const pts = s.ys.flatMap((y, i) => (y === null || !Number.isFinite(y) ? [] : [`${r1(px(i))},${r1(py(y))}`]));
    const dash = s.dashed === true ? ` stroke-dasharray="6 4"` : "";
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${pts.join(" ")}"><title>${escapeXml(s.label)}</title></polyline>`);
    for (const p of pts) {
      const [x, y] = p.split(",");
      out.push(`<circle cx="${x}" cy="${y}" r="3" fill="${color}"/>`);
    }
  }
  // legend
  c.series.forEach((s, i) => {
    const color = PALETTE[s.color % PALETTE.length]!, y = T + 10 + i * 18, x = L + pw + 16;
    const dash = s.dashed === true ? ` stroke-dasharray="6 4"` : "";
    out.push(`<line x1="${x}" y1="${y}" x2="${x + 28}" y2="${y}" stroke="${color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${x + 34}" y="${y}" dominant-baseline="middle">${escapeXml(s.label)}</text>`);
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
};
