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

/**
 * The text with the server's marks (the query's terms as the collection's analyzer matched them,
 * whole words only) wrapped in <mark>; built as nodes: no HTML from the corpus is parsed.
 */
function highlighted(className, text, marks) {
  const node = element("div", className);
  let last = 0;
  for (const [start, end] of marks) {
    node.append(document.createTextNode(text.slice(last, start)));
    node.append(element("mark", undefined, text.slice(start, end)));
    last = end;
  }
  node.append(document.createTextNode(text.slice(last)));
  return node;
}

/** About 240 characters of the text, starting shortly before its first mark, with the marks inside. */
function snippetAround(text, marks) {
  const first = marks.length > 0 ? marks[0][0] : 0;
  const start = first > 60 ? text.lastIndexOf(" ", first - 40) + 1 : 0;
  const end = Math.min(text.length, start + 240);
  const prefix = start > 0 ? "…" : "";
  const shifted = marks
    .filter(([from, to]) => from >= start && to <= end)
    .map(([from, to]) => [from - start + prefix.length, to - start + prefix.length]);
  return {
    text: `${prefix}${text.slice(start, end)}${end < text.length ? "…" : ""}`,
    marks: shifted,
  };
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

function drawHits(section, hits) {
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
    title.append(element("span", `kind ${hit.kind === "page image" ? "image" : "text"}`, hit.kind));
    const origin = [
      hit.kind === "page image"
        ? `${hit.parentId} · page image`
        : hit.parentId === hit.id
          ? hit.id
          : `${hit.parentId} · chunk ${hit.id.slice(hit.parentId.length + 1)}`,
    ];
    if (hit.section) origin.push(hit.section);
    item.append(
      title,
      element("div", "origin", origin.join(" · ")),
      ...(hit.thumbnails?.length ? [thumbnailStrip(hit)] : []),
      ...(hit.kind === "page image" ? [] : [snippetOf(hit)]),
      element("div", "description", `score ${formatScore(hit.score)}`),
      evidenceBadges(hit),
    );
    item.addEventListener("mouseenter", () => markSameParent(hit.parentId, true));
    item.addEventListener("mouseleave", () => markSameParent(hit.parentId, false));
    list.append(item);
  }
  section.append(list);
}

/**
 * The hit's page images, loaded from the server by URL (never inlined); each says which file
 * and physical page it shows, and whether it is the hit itself, the page its text is on, or a
 * page beside it.
 */
function thumbnailStrip(hit) {
  const strip = element("div", "thumbnails");
  for (const thumbnail of hit.thumbnails) {
    const page = thumbnail.page === undefined ? "" : `page ${thumbnail.page}`;
    const image = element("img");
    image.src = thumbnail.url;
    image.loading = "lazy";
    const relation =
      thumbnail.relation === "hit"
        ? " (page image)"
        : thumbnail.relation === "on"
          ? ": the page this text chunk is on"
          : ": a page beside this text chunk";
    image.alt = `${hit.parentId}, ${page || "image"}${relation}`;
    if (thumbnail.width && thumbnail.height) {
      image.width = 120;
      image.height = Math.round((120 * thumbnail.height) / thumbnail.width);
    }
    const link = element("a");
    link.href = thumbnail.url;
    link.target = "_blank";
    link.rel = "noopener";
    link.append(image);
    const figure = element("figure", "thumbnail");
    figure.append(link, element("figcaption", undefined, page ? `p. ${thumbnail.page}` : "image"));
    strip.append(figure);
  }
  return strip;
}

function snippetOf(hit) {
  const snippet = snippetAround(hit.text, hit.marks ?? []);
  return highlighted("snippet", snippet.text, snippet.marks);
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
  const chunks = status.corpus.chunks === undefined ? "" : ` (${status.corpus.chunks} chunks)`;
  document.getElementById("corpus").textContent =
    `${status.corpus.documents} documents${chunks} from ${status.corpus.source}`;
  drawExamples(status.examples ?? []);
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

/** "Try:" buttons with queries drawn from the loaded collection (none: the line stays hidden). */
function drawExamples(examples) {
  const line = document.getElementById("examples");
  for (const query of examples) {
    const button = element("button", undefined, query);
    button.type = "button";
    button.dataset.query = query;
    button.addEventListener("click", () => {
      queryInput.value = query;
      form.requestSubmit();
    });
    line.append(" ", button);
  }
  line.hidden = examples.length === 0;
}

form.addEventListener("submit", search);
loadStatus().catch((error) => {
  summary.textContent = `Cannot reach the demo server: ${error}`;
});
