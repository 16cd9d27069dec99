// The QA page: the newest alerts, then each new one as the server pushes it (server-sent events);
// the deliveries' reports and the runs' evaluations; clicking an alert draws its image with the
// flagged annotation highlighted.
"use strict";
const MAX_ROWS = 1000;
const rows = document.querySelector("#alerts tbody");
const batchRows = document.querySelector("#batches tbody");
const reports = new Map();
const evalRows = document.querySelector("#evaluations tbody");
const evaluations = new Map();
let source = null;
let shown = 0;

function filterQuery() {
  const params = new URLSearchParams();
  for (const el of document.querySelectorAll("#filters input, #filters select")) {
    if (el.value.trim() !== "") params.set(el.name, el.value.trim());
  }
  return params.toString();
}

function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  if (cls) td.className = cls;
  tr.appendChild(td);
}

function addAlert(a, fresh) {
  const tr = document.createElement("tr");
  tr.className = a.severity + (fresh ? " new" : "");
  tr.dataset.rule = a.rule;
  tr.dataset.imageId = a.image_id == null ? "" : a.image_id;
  tr.dataset.annotationId = a.annotation_id == null ? "" : a.annotation_id;
  tr.dataset.kind = a.kind || "";
  cell(tr, (a.detected_at || "").replace("T", " ").replace("Z", ""));
  cell(tr, a.severity, "sev");
  cell(tr, a.rule, "rule");
  cell(tr, a.image_id, "image");
  cell(tr, a.annotation_id, "annotation");
  cell(tr, a.message + (a.expected ? " (expected " + a.expected + ", actual " + a.actual + ")" : ""));
  const where = [a.source_file, a.json_path, a.line == null ? null : "line " + a.line + ":" + a.column]
      .filter(x => x != null && x !== "").join(" ");
  cell(tr, where);
  tr.addEventListener("click", () => openImage(tr, a));
  rows.insertBefore(tr, rows.firstChild);
  while (rows.children.length > MAX_ROWS) rows.removeChild(rows.lastChild);
  shown++;
  document.getElementById("alert-count").textContent = "(" + shown + ")";
}

function showReport(r) {
  reports.set(r.batch_id, r);
  batchRows.textContent = "";
  for (const rep of reports.values()) {
    const tr = document.createElement("tr");
    tr.id = "batch-" + rep.batch_id;
    tr.className = rep.status;
    const sum = m => Object.values(m || {}).reduce((x, y) => x + y, 0);
    cell(tr, rep.source_file || rep.batch_id);
    cell(tr, rep.kind + (rep.run ? " (run " + rep.run + ")" : ""));
    cell(tr, rep.status, "status");
    cell(tr, rep.images_validated + (rep.events == null ? "" : " / " + rep.events));
    cell(tr, sum(rep.errors));
    cell(tr, sum(rep.warnings));
    cell(tr, rep.images_invalid);
    tr.title = "batch " + rep.batch_id + (rep.validation_ms == null ? "" : ", validated in " + rep.validation_ms + " ms")
        + (rep.categories_without_instances && rep.categories_without_instances.length
            ? ", categories without instances: " + rep.categories_without_instances.join(", ") : "");
    batchRows.appendChild(tr);
  }
}

// COCOeval.stats: AP, AP50, AP75 first; AR at 100 detections is the 9th for bbox and segm, AR at 20 the 6th for keypoints.
function showEvaluation(e) {
  evaluations.set(e.run + "/" + e.iou_type, e);
  evalRows.textContent = "";
  for (const ev of [...evaluations.values()].sort((x, y) => (x.run + x.iou_type).localeCompare(y.run + y.iou_type))) {
    const tr = document.createElement("tr");
    tr.id = "evaluation-" + ev.run + "-" + ev.iou_type;
    const stat = i => ev.stats[i] == null || ev.stats[i] < 0 ? "-1" : ev.stats[i].toFixed(3);
    cell(tr, ev.run);
    cell(tr, ev.iou_type);
    cell(tr, stat(0), "ap");
    cell(tr, stat(1));
    cell(tr, stat(2));
    cell(tr, stat(ev.iou_type === "keypoints" ? 5 : 8));
    cell(tr, ev.images_evaluated + " / " + ev.images);
    cell(tr, (ev.evaluated_at || "").replace("T", " ").replace("Z", ""));
    tr.title = "after batch " + ev.batch_id;
    evalRows.appendChild(tr);
  }
}

async function openImage(tr, a) {
  for (const s of rows.querySelectorAll("tr.selected")) s.classList.remove("selected");
  tr.classList.add("selected");
  const viewer = document.getElementById("viewer");
  const title = document.getElementById("viewer-title");
  const note = document.getElementById("viewer-alert");
  if (a.image_id == null) {
    viewer.textContent = "";
    title.textContent = "No image";
    note.textContent = a.message + " — this problem names no image.";
    return;
  }
  const kind = a.kind === "panoptic" ? "panoptic" : "instances";
  const url = "/coco/showAnns?imgId=" + a.image_id + "&kind=" + kind
      + (a.annotation_id == null ? "" : "&annIds=" + a.annotation_id);
  title.textContent = "Image " + a.image_id + (a.annotation_id == null ? "" : ", annotation " + a.annotation_id);
  note.textContent = a.rule + ": " + a.message;
  const r = await fetch(url);
  if (!r.ok) {
    let why = r.status + "";
    try { why = (await r.json()).error; } catch (e) { /* not JSON */ }
    viewer.textContent = "Cannot draw image " + a.image_id + ": " + why;
    return;
  }
  viewer.innerHTML = await r.text();
}

async function load() {
  const q = filterQuery();
  const err = document.getElementById("filter-error");
  err.textContent = "";
  rows.textContent = "";
  shown = 0;
  const r = await fetch("/alerts?limit=500" + (q ? "&" + q : ""));
  if (!r.ok) {
    err.textContent = (await r.json()).error;
    return;
  }
  let last = 0;
  for (const a of await r.json()) {
    addAlert(a, false);
    last = Math.max(last, a.seq);
  }
  const b = await fetch("/batches");
  if (b.ok) for (const rep of await b.json()) showReport(rep);
  const e = await fetch("/evaluations");
  if (e.ok) for (const ev of await e.json()) showEvaluation(ev);
  if (source) source.close();
  // From the newest alert shown on: nothing that came between the two requests is missed.
  source = new EventSource("/alerts/stream?after=" + last + (q ? "&" + q : ""));
  const status = document.getElementById("connection");
  source.onopen = () => { status.textContent = "live"; status.className = "on"; };
  source.onerror = () => { status.textContent = "reconnecting…"; status.className = "off"; };
  source.addEventListener("alert", ev => {
    const a = JSON.parse(ev.data);
    if (a.seq > last) addAlert(a, true);
  });
  source.addEventListener("report", ev => showReport(JSON.parse(ev.data)));
  source.addEventListener("evaluation", ev => showEvaluation(JSON.parse(ev.data)));
}

document.getElementById("filters").addEventListener("submit", ev => { ev.preventDefault(); load(); });
load();
