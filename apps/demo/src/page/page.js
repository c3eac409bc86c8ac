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

/** The query's words (2+ characters), longest first, for highlighting. */
function queryTerms(query) {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [];
  return [...new Set(words)].sort((a, b) => b.length - a.length);
}

/** Text with every query term wrapped in <mark> (built as nodes: no HTML from the corpus is parsed). */
function highlighted(className, text, terms) {
  const node = element("div", className);
  if (terms.length === 0) {
    node.textContent = text;
    return node;
  }
  const escaped = terms.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(${escaped.join("|")})`, "giu");
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    node.append(document.createTextNode(text.slice(last, match.index)));
    node.append(element("mark", undefined, match[0]));
    last = match.index + match[0].length;
  }
  node.append(document.createTextNode(text.slice(last)));
  return node;
}

/** About 240 characters of the text, starting shortly before the first query term it contains. */
function snippetAround(text, terms) {
  const lower = text.toLowerCase();
  const positions = terms.map((term) => lower.indexOf(term)).filter((position) => position >= 0);
  const first = positions.length > 0 ? Math.min(...positions) : 0;
  const start = first > 60 ? text.lastIndexOf(" ", first - 40) + 1 : 0;
  const end = Math.min(text.length, start + 240);
  return `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`;
}

/** Hovering a hit marks every hit of the same parent document, in every column. */
function markSameParent(parentId, on) {
  for (const item of document.querySelectorAll("li.hit")) {
    item.classList.toggle("same-parent", on && item.dataset.parent === parentId);
  }
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

function drawHits(section, hits, terms) {
  if (hits.length === 0) {
    section.append(element("p", "description", "No hits."));
    return;
  }
  const list = element("ol", "hits");
  for (const hit of hits) {
    const item = element("li", "hit");
    item.dataset.id = hit.id;
    item.dataset.parent = hit.parentId;
    const title = element("div", "title");
    title.append(element("span", "rank", `${hit.rank}.`), document.createTextNode(hit.title));
    if (hit.pages) title.append(element("span", "pages", hit.pages));
    const origin = [
      hit.parentId === hit.id
        ? hit.id
        : `${hit.parentId} · chunk ${hit.id.slice(hit.parentId.length + 1)}`,
    ];
    if (hit.section) origin.push(hit.section);
    item.append(
      title,
      element("div", "origin", origin.join(" · ")),
      highlighted("snippet", snippetAround(hit.text ?? hit.snippet, terms), terms),
      element("div", "description", `score ${formatScore(hit.score)}`),
      evidenceBadges(hit),
    );
    item.addEventListener("mouseenter", () => markSameParent(hit.parentId, true));
    item.addEventListener("mouseleave", () => markSameParent(hit.parentId, false));
    list.append(item);
  }
  section.append(list);
}

function drawStage(stage, terms) {
  const section = stageSection(stage.stage);
  const timing = stage.status === "off" ? "off" : `${stage.durationMs.toFixed(1)} ms`;
  drawHeading(section, stage.stage, stage, timing);
  if (stage.status === "off") drawOff(section, stage.off);
  else if (stage.status === "failed")
    section.append(element("p", "error", `Failed: ${stage.error}`));
  else drawHits(section, stage.hits, terms);
}

async function loadStatus() {
  const status = await (await fetch("/api/status")).json();
  const chunks = status.corpus.chunks === undefined ? "" : ` (${status.corpus.chunks} chunks)`;
  document.getElementById("corpus").textContent =
    `${status.corpus.documents} documents${chunks} from ${status.corpus.source}`;
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
  const terms = queryTerms(body.query);
  for (const stage of body.stages) drawStage(stage, terms);
  summary.textContent = `“${body.query}”: ${body.totalMs.toFixed(1)} ms in all`;
  document.body.dataset.searched = "true";
}

form.addEventListener("submit", search);
for (const example of document.querySelectorAll("#intro button[data-query]")) {
  example.addEventListener("click", () => {
    queryInput.value = example.dataset.query;
    form.requestSubmit();
  });
}
loadStatus().catch((error) => {
  summary.textContent = `Cannot reach the demo server: ${error}`;
});
