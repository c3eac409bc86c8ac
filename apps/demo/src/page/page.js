// The demo page: asks /api/search and draws one column per stage.
const stageTitles = {
  sparse: "Sparse (BM25)",
  dense: "Dense (vectors)",
  fused: "Fused",
  reranked: "Reranked (cross-encoder)",
};

const form = document.getElementById("search-form");
const queryInput = document.getElementById("query");
const topKInput = document.getElementById("top-k");
const summary = document.getElementById("summary");

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatScore(score) {
  if (typeof score !== "number") return "–";
  return Math.abs(score) >= 100 ? score.toFixed(1) : score.toPrecision(4);
}

function stageSection(stage) {
  return document.querySelector(`section[data-stage="${stage}"]`);
}

function drawHeading(section, stage, status, timing) {
  section.replaceChildren();
  section.className = `stage ${status.status}`;
  const heading = element("h2", undefined, stageTitles[stage]);
  heading.append(element("span", "timing", timing ?? ""));
  section.append(heading, element("p", "description", status.description ?? ""));
}

function drawOff(section, off) {
  section.append(element("p", undefined, `Off: ${off.reason}.`));
  const howTo = element("p", "how-to", "To turn it on: ");
  howTo.append(element("code", undefined, off.howToEnable));
  section.append(howTo);
}

function evidenceBadges(hit) {
  const badges = element("div", "evidence");
  for (const [source, evidence] of Object.entries(hit.sources)) {
    if (evidence.status === "found") {
      badges.append(
        element("span", undefined, `${source} #${evidence.rank} · ${formatScore(evidence.score)}`),
      );
    } else {
      badges.append(element("span", "absent", `${source}: ${evidence.status}`));
    }
  }
  if (hit.fusion) {
    badges.append(
      element("span", undefined, `${hit.fusion.method} ${formatScore(hit.fusion.score)}`),
    );
  }
  if (hit.rerank) {
    const moved = hit.rerank.previousRank - hit.rank;
    const className = moved > 0 ? "moved-up" : moved < 0 ? "moved-down" : undefined;
    badges.append(
      element(
        "span",
        className,
        `was #${hit.rerank.previousRank} (${formatScore(hit.rerank.previousScore)}) → ${formatScore(hit.rerank.score)}`,
      ),
    );
  }
  return badges;
}

function drawHits(section, hits) {
  if (hits.length === 0) {
    section.append(element("p", "description", "No hits."));
    return;
  }
  const list = element("ol", "hits");
  for (const hit of hits) {
    const item = element("li", "hit");
    item.dataset.id = hit.id;
    const title = element("div", "title");
    title.append(element("span", "rank", `${hit.rank}.`), document.createTextNode(hit.title));
    item.append(
      title,
      element("div", "snippet", hit.snippet),
      element("div", "description", `id ${hit.id} · score ${formatScore(hit.score)}`),
      evidenceBadges(hit),
    );
    list.append(item);
  }
  section.append(list);
}

function drawStage(stage) {
  const section = stageSection(stage.stage);
  const timing = stage.status === "off" ? "off" : `${stage.durationMs.toFixed(1)} ms`;
  drawHeading(section, stage.stage, stage, timing);
  if (stage.status === "off") drawOff(section, stage.off);
  else if (stage.status === "failed")
    section.append(element("p", "error", `Failed: ${stage.error}`));
  else drawHits(section, stage.hits);
}

async function loadStatus() {
  const status = await (await fetch("/api/status")).json();
  document.getElementById("corpus").textContent =
    `${status.corpus.documents} documents from ${status.corpus.source}`;
  for (const stage of status.stages) {
    const section = stageSection(stage.stage);
    drawHeading(section, stage.stage, stage, stage.status === "off" ? "off" : "");
    if (stage.status === "off") drawOff(section, stage.off);
  }
}

async function search(event) {
  event.preventDefault();
  const query = queryInput.value.trim();
  if (query === "") return;
  summary.textContent = "Searching…";
  const response = await fetch("/api/search", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, topK: Number(topKInput.value) || 10 }),
  });
  const body = await response.json();
  if (!response.ok) {
    summary.textContent = `Error: ${body.error}`;
    return;
  }
  for (const stage of body.stages) drawStage(stage);
  summary.textContent = `“${body.query}”: ${body.totalMs.toFixed(1)} ms in all`;
  document.body.dataset.searched = "true";
}

form.addEventListener("submit", search);
loadStatus().catch((error) => {
  summary.textContent = `Cannot reach the demo server: ${error}`;
});
