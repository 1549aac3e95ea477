// The status page: it polls status.json every second and fills the tables. Rates are
// the difference of the counters between two polls.
"use strict";

let previous = null;

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function fill(id, rows, columns, empty) {
  const body = document.querySelector("#" + id + " tbody");
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = document.createElement("tr");
    tr.className = "empty";
    const td = cell(empty);
    td.colSpan = columns;
    tr.append(td);
    body.append(tr);
    return;
  }
  for (const cells of rows) {
    const tr = document.createElement("tr");
    tr.append(...cells);
    body.append(tr);
  }
}

function bytes(n) {
  if (!n) return "–";
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return n.toFixed(i ? 1 : 0) + " " + units[i];
}

function duration(s) {
  if (s < 1) return Math.round(s * 1000) + " ms";
  if (s < 120) return s.toFixed(1) + " s";
  if (s < 7200) return Math.round(s / 60) + " min";
  return (s / 3600).toFixed(1) + " h";
}

function rates(pool, now) {
  const before = previous && previous.pools.find(p => p.name === pool.name);
  if (!before) return ["–", "–"];
  const dt = (Date.parse(now.time) - Date.parse(previous.time)) / 1000;
  const answered = pool.answered - before.answered;
  const errors = pool.errors5xx - before.errors5xx;
  if (dt <= 0 || answered < 0) return ["–", "–"];
  return [(answered / dt).toFixed(1), answered ? (100 * errors / answered).toFixed(1) + " %" : "0 %"];
}

function plural(n, word) {
  return n + " " + word + (n === 1 ? "" : "s");
}

function render(s) {
  const up = duration((Date.parse(s.time) - Date.parse(s.started)) / 1000);
  document.getElementById("summary").textContent =
    (s.ready ? "ready" : "not ready: " + s.notReady) + " · up " + up + " · " +
    plural(s.pools.length, "pool") + " · " + plural(s.workers.length, "worker") + " · " +
    plural(s.requests.length, "request") + " in flight";
  fill("pools", s.pools.map(p => {
    const [rps, errs] = rates(p, s);
    return [cell(p.name), cell(p.state + (p.reason ? " (" + p.reason + ")" : ""), "state-" + p.state), cell(p.identity),
      cell(p.workers + " / " + (p.maxWorkers || "NUMA"), "n"), cell(p.queued + " / " + p.queueLength, "n"),
      cell(rps, "n"), cell(errs, "n"), cell((p.notes || []).join("; "))];
  }), 8, "no pools");
  fill("workers", s.workers.map(w => [cell(w.pool), cell(w.pid || "–", "n"), cell(w.state, "state-" + w.state),
    cell(duration(w.uptimeSeconds), "n"), cell(bytes(w.memory.private), "n"), cell(bytes(w.memory.resident), "n"),
    cell(w.cpuSeconds.toFixed(2) + " s", "n"), cell(w.inFlight, "n"), cell(w.requests, "n")]), 9, "no workers");
  fill("requests", s.requests.map(r => [cell(duration(r.elapsedMs / 1000), "n"), cell(r.pool), cell(r.site),
    cell(r.pid || "queued", "n"), cell(r.method), cell(r.url, "url"), cell(r.client)]), 7, "no request in flight");
  fill("events", s.events.map(e => [cell(new Date(e.time).toLocaleTimeString()), cell(e.level, "level-" + e.level),
    cell(e.id, "n"), cell(e.pool || ""), cell(e.msg), cell(e.reason || "")]), 6, "no event yet");
  previous = s;
}

async function poll() {
  try {
    const r = await fetch("status.json", { cache: "no-store" });
    if (r.ok) render(await r.json());
  } catch (e) {
    document.getElementById("summary").textContent = "poolctl run does not answer: " + e;
  }
  setTimeout(poll, 1000);
}

poll();
