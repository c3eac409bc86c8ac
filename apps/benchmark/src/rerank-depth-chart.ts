import type { RerankDepthReport } from "./rerank-depth-stage.ts";

const width = 760;
const height = 400;
const left = 64;
const right = 24;
const top = 64;
const bottom = 64;
const series = [
  { metric: "recall@5", title: "recall@5", color: "#4c78a8" },
  { metric: "ndcg@10", title: "nDCG@10", color: "#f58518" },
] as const;

/**
 * Quality against rerank latency (p50 per query, log scale), one point per depth, with the
 * seed's point (≈ 1,750 ms for 500 passages on an H100) as a reference mark.
 */
export function rerankDepthChart(report: RerankDepthReport): string {
  const points = report.rows.filter((row) => row.perQuery !== null);
  const latencies = [...points.map((row) => row.perQuery!.p50Ms), report.reference.latencyMs];
  const low = 10 ** Math.floor(Math.log10(Math.max(1e-3, Math.min(...latencies))));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...latencies)));
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const x = (ms: number) =>
    left +
    ((Math.log10(Math.max(ms, low)) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) *
      plotWidth;
  const y = (value: number) => top + plotHeight - value * plotHeight;
  const title = `Rerank depth: quality vs latency on ${report.base}`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  if (report.testModel) {
    parts.push(
      `<text x="${left}" y="38" fill="#c00" font-weight="bold">Test model (random weights): latency is real, quality is meaningless</text>`,
    );
  }
  series.forEach((entry, index) => {
    const legendX = left + index * 110;
    parts.push(`<circle cx="${legendX + 5}" cy="${52}" r="5" fill="${entry.color}"/>`);
    parts.push(`<text x="${legendX + 14}" y="56">${entry.title}</text>`);
  });
  parts.push(
    `<circle cx="${left + 235}" cy="52" r="6" fill="none" stroke="#000" stroke-width="2"/>`,
  );
  parts.push(`<text x="${left + 246}" y="56">${escapeXml(report.reference.label)}</text>`);
  for (let tick = 0; tick <= 10; tick += 2) {
    const value = tick / 10;
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y(value)}" y2="${y(value)}" stroke="#ddd"/>`,
    );
    parts.push(
      `<text x="${left - 8}" y="${y(value) + 4}" text-anchor="end">${value.toFixed(1)}</text>`,
    );
  }
  for (let decade = low; decade <= high * 1.0001; decade *= 10) {
    parts.push(
      `<line x1="${x(decade)}" x2="${x(decade)}" y1="${top}" y2="${top + plotHeight}" stroke="#eee"/>`,
    );
    parts.push(
      `<text x="${x(decade)}" y="${top + plotHeight + 16}" text-anchor="middle">${decade >= 1 ? decade.toFixed(0) : decade}</text>`,
    );
  }
  parts.push(
    `<text x="${left + plotWidth / 2}" y="${height - 20}" text-anchor="middle">rerank latency per query, p50 (ms, log scale)</text>`,
  );
  for (const entry of series) {
    const path = points.map(
      (row) =>
        `${x(row.perQuery!.p50Ms).toFixed(1)},${y(row.metrics[entry.metric] ?? 0).toFixed(1)}`,
    );
    if (path.length > 1) {
      parts.push(
        `<polyline points="${path.join(" ")}" fill="none" stroke="${entry.color}" stroke-width="1.5"/>`,
      );
    }
    for (const row of points) {
      const cx = x(row.perQuery!.p50Ms);
      const cy = y(row.metrics[entry.metric] ?? 0);
      parts.push(
        `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="4" fill="${entry.color}"><title>depth ${row.depth}: ${entry.title} ${(row.metrics[entry.metric] ?? 0).toFixed(4)}, ${row.perQuery!.p50Ms.toFixed(2)} ms</title></circle>`,
      );
      if (entry.metric === "recall@5") {
        parts.push(
          `<text x="${cx.toFixed(1)}" y="${(cy - 8).toFixed(1)}" text-anchor="middle" font-size="10">${row.depth}</text>`,
        );
      }
    }
  }
  const referenceX = x(report.reference.latencyMs);
  const referenceY = y(report.reference.recall5);
  parts.push(
    `<circle cx="${referenceX.toFixed(1)}" cy="${referenceY.toFixed(1)}" r="6" fill="none" stroke="#000" stroke-width="2"><title>${escapeXml(report.reference.label)}; recall@5 ${report.reference.recall5} (FiQA, HotpotQA, NQ, TechQA)</title></circle>`,
    `<text x="${(referenceX - 8).toFixed(1)}" y="${(referenceY + 20).toFixed(1)}" text-anchor="end" font-size="10">seed, ${report.reference.hardware}</text>`,
    "</svg>",
  );
  return `${parts.join("\n")}\n`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (character) =>
    character === "<"
      ? "&lt;"
      : character === ">"
        ? "&gt;"
        : character === "&"
          ? "&amp;"
          : "&quot;",
  );
}
