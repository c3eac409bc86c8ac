import { basename } from "node:path";
import type { BenchmarkReport } from "./results.ts";

const series = [
  { metric: "recall@5", title: "recall@5", color: "#4c78a8" },
  { metric: "ndcg@10", title: "nDCG@10", color: "#f58518" },
  { metric: "recall@100", title: "recall@100", color: "#54a24b" },
] as const;

const barWidth = 26;
const groupGap = 34;
const plotHeight = 260;
const left = 56;
const top = 48;
const bottom = 86;

/** A grouped bar chart (one group per configuration, one bar per headline metric), as plain SVG. */
export function svgChart(report: BenchmarkReport): string {
  const groups = report.configurations;
  const groupWidth = series.length * barWidth + groupGap;
  const title = `Retrieval quality on ${basename(report.dataset.directory)}, top_k ${String(report.spec.topK?.retrieve)}`;
  // Wide enough for the bars and for the title (about 8 px per bold 14 px character).
  const width = Math.max(left + groups.length * groupWidth + 24, left + title.length * 8, 420);
  const height = top + plotHeight + bottom;
  const y = (value: number) => top + plotHeight - value * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  series.forEach((entry, index) => {
    const x = left + index * 110;
    parts.push(`<rect x="${x}" y="28" width="10" height="10" fill="${entry.color}"/>`);
    parts.push(`<text x="${x + 14}" y="37">${entry.title}</text>`);
  });
  for (let tick = 0; tick <= 10; tick += 2) {
    const value = tick / 10;
    parts.push(
      `<line x1="${left}" x2="${width - 16}" y1="${y(value)}" y2="${y(value)}" stroke="#ddd"/>`,
    );
    parts.push(
      `<text x="${left - 6}" y="${y(value) + 4}" text-anchor="end">${value.toFixed(1)}</text>`,
    );
  }
  groups.forEach((result, groupIndex) => {
    const groupX = left + 12 + groupIndex * groupWidth;
    const center = groupX + (series.length * barWidth) / 2;
    // "Dense + Sparse + Reranking" on three lines, so neighbouring labels never overlap.
    const lines = result.label
      .split(" + ")
      .map((part, index) => (index === 0 ? part : `+ ${part}`));
    const tspans = lines
      .map(
        (line, index) =>
          `<tspan x="${center}" dy="${index === 0 ? 0 : 14}">${escapeXml(line)}</tspan>`,
      )
      .join("");
    parts.push(
      `<text x="${center}" y="${top + plotHeight + 18}" text-anchor="middle"><title>${escapeXml(result.label)}</title>${tspans}</text>`,
    );
    if (result.status !== "ok") {
      parts.push(
        `<text x="${center}" y="${top + plotHeight - 8}" text-anchor="middle" fill="#999">${result.status}</text>`,
      );
      return;
    }
    series.forEach((entry, index) => {
      const value = Math.min(Math.max(result.metrics[entry.metric] ?? 0, 0), 1);
      const x = groupX + index * barWidth;
      parts.push(
        `<rect x="${x}" y="${y(value)}" width="${barWidth - 4}" height="${plotHeight - (y(value) - top)}" fill="${entry.color}"><title>${escapeXml(`${result.label} ${entry.title} ${value.toFixed(4)}`)}</title></rect>`,
      );
      parts.push(
        `<text x="${x + (barWidth - 4) / 2}" y="${y(value) - 3}" text-anchor="middle" font-size="9">${value.toFixed(3)}</text>`,
      );
    });
  });
  parts.push(`<line x1="${left}" x2="${width - 16}" y1="${y(0)}" y2="${y(0)}" stroke="#333"/>`);
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}
