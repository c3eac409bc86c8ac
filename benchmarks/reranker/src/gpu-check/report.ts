import type { GpuRouteCheck } from "@hybrid-rag/models/gpu";
import type { RouteMeasurement } from "./measure-route.ts";
import type { PeerResult } from "./python-peer.ts";

export interface GpuCheckReport {
  readonly mode: "full" | "dry-run";
  readonly startedAt: string;
  readonly durationS: number;
  readonly machine: Readonly<Record<string, unknown>>;
  readonly corpus: { readonly query: string; readonly source: string };
  /** Every GPU route tried: whether it loads, else exactly what is missing. */
  readonly routes: readonly GpuRouteCheck[];
  readonly measurements: readonly RouteMeasurement[];
  readonly skipped: readonly { shape: string; route: string; reason: string }[];
  readonly peers: readonly ({ shape: string } & PeerResult)[];
  readonly rows: readonly SummaryRow[];
}

export interface SummaryRow {
  readonly shape: string;
  readonly contender: string;
  readonly passages: number;
  readonly medianMs: number;
  readonly pairsPerSecond: number;
  /** Peer median ÷ this median on the same passages (> 1: faster than the peer); null without one. */
  readonly speedUpVsPeer: number | null;
}

export function summaryRows(
  measurements: readonly RouteMeasurement[],
  peers: readonly ({ shape: string } & PeerResult)[],
): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const peer of peers) {
    if (!peer.available) continue;
    rows.push({
      shape: peer.shape,
      contender: `PyTorch ${peer.dtype} (sentence-transformers, ${peer.device})`,
      passages: peer.passages,
      medianMs: peer.medianMs,
      pairsPerSecond: peer.passages / (peer.medianMs / 1000),
      speedUpVsPeer: null,
    });
  }
  for (const measured of measurements) {
    const peer = peers.find((entry) => entry.shape === measured.shape);
    const comparable = peer?.available === true && peer.passages === measured.passages;
    rows.push({
      shape: measured.shape,
      contender: `hybrid-rag onnxruntime ${measured.provider} ${measured.precision}${measured.allNodesOnProvider ? "" : " (some nodes on CPU)"}`,
      passages: measured.passages,
      medianMs: measured.medianMs,
      pairsPerSecond: measured.pairsPerSecond,
      speedUpVsPeer: comparable ? peer.medianMs / measured.medianMs : null,
    });
  }
  return rows.sort((a, b) => a.shape.localeCompare(b.shape));
}

const number = (value: number, digits = 0) =>
  value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function markdownTable(rows: readonly SummaryRow[]): string {
  const lines = [
    "| shape | contender | passages | median ms | pairs/s | vs PyTorch |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.shape} | ${row.contender} | ${row.passages} | ${number(row.medianMs)} | ${number(row.pairsPerSecond, 1)} | ${row.speedUpVsPeer === null ? "—" : `${number(row.speedUpVsPeer, 2)}×`} |`,
    );
  }
  return lines.join("\n");
}

export function markdownReport(report: GpuCheckReport): string {
  const routes = report.routes.map(
    (route) =>
      `- ${route.provider}: ${route.loads ? `loads${route.allNodesOnProvider ? " (every node on the GPU)" : " (some nodes on the CPU)"}` : `does not load — ${route.error ?? "unknown"}`}`,
  );
  const peers = report.peers.map((peer) =>
    peer.available
      ? `- ${peer.shape}: ${peer.engine}, ${peer.device}${peer.gpu ? ` (${peer.gpu})` : ""}, ${peer.dtype}, batch ${peer.batchSize}, ${JSON.stringify(peer.versions)}`
      : `- ${peer.shape}: unavailable — ${peer.reason}`,
  );
  const skipped = report.skipped.map(
    (entry) => `- ${entry.shape} on ${entry.route}: ${entry.reason}`,
  );
  return [
    `# GPU check (${report.mode}), ${report.startedAt}`,
    "",
    `Machine: ${JSON.stringify(report.machine)}`,
    `Query: "${report.corpus.query}"; passages: ${report.corpus.source}. Medians; ms include tokenisation.`,
    "",
    markdownTable(report.rows),
    "",
    "GPU routes:",
    ...routes,
    "",
    "Peer:",
    ...(peers.length > 0 ? peers : ["- not run"]),
    ...(skipped.length > 0 ? ["", "Not measured:", ...skipped] : []),
    "",
  ].join("\n");
}
