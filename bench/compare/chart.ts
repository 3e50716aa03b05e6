/** Horizontal bar charts as standalone SVG: one bar per system (median) with a min-max whisker and a label. */

/** One bar. */
export interface Bar {
  label: string;
  median: number;
  min: number;
  max: number;
  /** Highlight StreamBus bars; dim the machine limits. */
  tone: "streambus" | "peer" | "limit";
}

const TONE_FILL = { streambus: "#2563eb", peer: "#9ca3af", limit: "#d1d5db" } as const;
const WIDTH_PX = 760;
const LABEL_PX = 200;
const VALUE_PX = 140;
const ROW_PX = 28;
const TOP_PX = 44;

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Formats a figure with a sensible number of digits. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return "n/a";
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString("en-US");
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** Renders the chart; `unit` is printed after each value ("MB/s", "ms"); `lowerIsBetter` goes in the title. */
export function barChartSvg(title: string, unit: string, bars: Bar[], lowerIsBetter = false): string {
  const finite = bars.filter((b) => Number.isFinite(b.median));
  const scaleMax = Math.max(1e-9, ...finite.map((b) => (Number.isFinite(b.max) ? b.max : b.median)));
  const plotPx = WIDTH_PX - LABEL_PX - VALUE_PX;
  const heightPx = TOP_PX + bars.length * ROW_PX + 12;
  const x = (v: number) => LABEL_PX + (Math.max(0, v) / scaleMax) * plotPx;
  const rows = bars.map((b, i) => {
    const y = TOP_PX + i * ROW_PX;
    if (!Number.isFinite(b.median)) {
      return `<text x="${LABEL_PX - 8}" y="${y + 17}" text-anchor="end">${esc(b.label)}</text><text x="${LABEL_PX + 4}" y="${y + 17}" fill="#6b7280">not run</text>`;
    }
    const whisker = Number.isFinite(b.min) && b.max > b.min
      ? `<line x1="${x(b.min)}" x2="${x(b.max)}" y1="${y + 12}" y2="${y + 12}" stroke="#111827" stroke-width="1.5"/>`
      : "";
    return [
      `<text x="${LABEL_PX - 8}" y="${y + 17}" text-anchor="end">${esc(b.label)}</text>`,
      `<rect x="${LABEL_PX}" y="${y + 3}" width="${Math.max(1, x(b.median) - LABEL_PX)}" height="${ROW_PX - 8}" fill="${TONE_FILL[b.tone]}"/>`,
      whisker,
      `<text x="${x(Math.max(b.median, Number.isFinite(b.max) ? b.max : b.median)) + 6}" y="${y + 17}">${fmt(b.median)} ${esc(unit)}</text>`,
    ].join("");
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH_PX}" height="${heightPx}" viewBox="0 0 ${WIDTH_PX} ${heightPx}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="24" font-size="15" font-weight="bold">${esc(title)} (${esc(unit)}, ${lowerIsBetter ? "lower" : "higher"} is better; bar = median, line = min-max)</text>`,
    ...rows,
    `</svg>`,
    "",
  ].join("\n");
}
