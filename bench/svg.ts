// Small SVG plots for BENCHMARKS.md, written by our own code (no plotting dependency): a strip plot
// of one distribution per row, with the median and the 90th percentile marked.
import { quantile } from "./sim/suite.js";

/** One row of a strip plot. */
export interface StripRow {
  readonly label: string;
  readonly values: readonly number[];
}

/** Options of stripPlot. */
export interface StripPlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly rows: readonly StripRow[];
  /** The axis starts here (e.g. 1 for ratios to a lower bound). */
  readonly xMin: number;
  /** Values above are drawn at the right edge, as an open circle. */
  readonly xMax: number;
}

const W = 760;
const LEFT = 150;
const RIGHT = 30;
const ROW = 56;
const TOP = 40;
const BOTTOM = 50;

/** An SVG document: each row's values as dots (jittered vertically by rank), median and p90 as bars. */
export function stripPlot(o: StripPlotOptions): string {
  const h = TOP + ROW * o.rows.length + BOTTOM;
  const x = (v: number) => LEFT + ((Math.min(v, o.xMax) - o.xMin) / (o.xMax - o.xMin)) * (W - LEFT - RIGHT);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${h}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${escape(o.title)}</text>`,
  ];
  const axisY = TOP + ROW * o.rows.length;
  for (const t of ticks(o.xMin, o.xMax)) {
    parts.push(
      `<line x1="${x(t).toFixed(1)}" y1="${TOP}" x2="${x(t).toFixed(1)}" y2="${axisY}" stroke="#ddd"/>`,
      `<text x="${x(t).toFixed(1)}" y="${axisY + 16}" text-anchor="middle">${t.toFixed(t < 10 ? 1 : 0)}</text>`,
    );
  }
  parts.push(
    `<line x1="${LEFT}" y1="${axisY}" x2="${W - RIGHT}" y2="${axisY}" stroke="black"/>`,
    `<text x="${(LEFT + W - RIGHT) / 2}" y="${axisY + 36}" text-anchor="middle">${escape(o.xLabel)}</text>`,
  );
  o.rows.forEach((row, r) => {
    const mid = TOP + ROW * r + ROW / 2;
    parts.push(`<text x="${LEFT - 10}" y="${mid + 4}" text-anchor="end">${escape(row.label)}</text>`);
    const sorted = [...row.values].sort((a, b) => a - b);
    sorted.forEach((v, k) => {
      const dy = ((k * 7919) % 29) - 14;
      const clipped = v > o.xMax;
      parts.push(
        `<circle cx="${x(v).toFixed(1)}" cy="${(mid + dy * 0.8).toFixed(1)}" r="2.5" fill="${clipped ? "none" : "#3b6ea8"}" stroke="#3b6ea8" fill-opacity="0.45"/>`,
      );
    });
    if (sorted.length === 0) return;
    for (const [q, colour] of [
      [0.5, "#c0392b"],
      [0.9, "#e67e22"],
    ] as const) {
      const xv = x(quantile(sorted, q)).toFixed(1);
      parts.push(
        `<line x1="${xv}" y1="${mid - 20}" x2="${xv}" y2="${mid + 20}" stroke="${colour}" stroke-width="2.5"/>`,
      );
    }
  });
  parts.push(
    `<text x="${W - RIGHT}" y="${h - 8}" text-anchor="end" fill="#555">red: median · orange: p90 · open circle: beyond the axis</text>`,
    "</svg>",
  );
  return `${parts.join("\n")}\n`;
}

function ticks(min: number, max: number): number[] {
  const span = max - min;
  const step = span <= 1 ? 0.1 : span <= 2.5 ? 0.25 : span <= 5 ? 0.5 : 1;
  const out: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + 1e-9; t += step) out.push(Math.round(t * 100) / 100);
  return out;
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
