// The forest page: a collapsible tree, search, and links to a feature (#select=ID, #expand=ID).
// Each feature's dashboard comes pre-rendered by viewer.dashboard_html, the renderer the Jupyter widget uses too.
// The dashboards, labels and searchable tokens travel gzipped in D.packed (thousands of contexts repeat the same
// markup); the browser's own gzip (DecompressionStream) unpacks them once, then the tree is built.
"use strict";
const kids = {}, par = {};
D.edges.forEach(([p, c]) => { (kids[p] = kids[p] || []).push(c); par[c] = p; });
let P = null;                  // {panels, labels, fires}, once unpacked

function esc(s) {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function level(g) {
  let l = 0;
  while (l + 1 < D.offsets.length && g >= D.offsets[l + 1]) l++;
  return l;
}

// A node reads by what it fires on (its top tokens), then where it sits: "lvl 1 · 21" (never "L1:21", a sparsity).
function label(g) {
  const l = level(g), n = (kids[g] || []).length, lab = P.labels[g] || "#" + g;
  return esc(lab) + " <small>· lvl " + l + " · " + (g - D.offsets[l]) + "</small>" + (n ? " (" + n + ")" : "");
}

function node(g) {
  const wrap = document.createElement("div"), n = document.createElement("div");
  const has = (kids[g] || []).length > 0;
  wrap.className = "node-wrap";
  n.className = "node";
  n.dataset.id = g;
  n.innerHTML = '<span class="tw">' + (has ? "▸" : "·") + "</span>" + label(g);
  n.onclick = () => { select(g); if (has) toggle(wrap, n); };
  wrap.appendChild(n);
  return wrap;
}

function toggle(wrap, n) {
  let k = wrap.querySelector(":scope>.kids");
  if (k) { k.remove(); n.firstChild.textContent = "▸"; return; }
  k = document.createElement("div");
  k.className = "kids";
  (kids[+n.dataset.id] || []).forEach((c) => k.appendChild(node(c)));
  wrap.appendChild(k);
  n.firstChild.textContent = "▾";
}

function nodeOf(g) { return document.querySelector('.node[data-id="' + g + '"]'); }

function openNode(g) {
  const n = nodeOf(g);
  if (n && !n.parentNode.querySelector(":scope>.kids")) toggle(n.parentNode, n);
}

function select(g) {
  document.querySelectorAll(".node.sel").forEach((x) => x.classList.remove("sel"));
  document.querySelectorAll('.node[data-id="' + g + '"]').forEach((x) => x.classList.add("sel"));
  document.getElementById("dash").innerHTML = P.panels[g] || "<i>no dashboard</i>";
  const sel = document.querySelector(".node.sel");
  if (sel) sel.scrollIntoView({ block: "center" });
}

function reveal(g) {
  const path = [];
  for (let x = g; par[x] !== undefined; x = par[x]) path.unshift(par[x]);
  path.forEach(openNode);
}

function search(q) {
  q = q.trim().toLowerCase();
  if (/^#?\d+$/.test(q)) { const g = +q.replace("#", ""); return g < D.n ? [g] : []; }
  return Object.keys(P.fires).filter((g) => P.fires[g].some((t) => t.includes(q))).map(Number);
}

function fromHash() {
  const m = location.hash.match(/(select|expand)=(\d+)/);
  if (!m || +m[2] >= D.n) return;
  const g = +m[2];
  reveal(g);
  if (m[1] === "expand") openNode(g);
  select(g);
}

function build() {
  const T = document.getElementById("tree");
  D.roots.forEach((r) => T.appendChild(node(r)));
  const un = document.createElement("details");
  un.innerHTML = "<summary>" + D.unassigned.length + " unassigned features</summary>" +
    D.unassigned.slice(0, 2000).map((g) => "#" + g).join(", ");
  T.appendChild(un);
  document.getElementById("q").onchange = (ev) => {
    const hits = search(ev.target.value);
    document.getElementById("found").textContent = hits.length + " found";
    if (hits.length) { reveal(hits[0]); select(hits[0]); }
  };
  window.onhashchange = fromHash;
  fromHash();
}

new Response(new Blob([Uint8Array.from(atob(D.packed), (c) => c.charCodeAt(0))]).stream()
  .pipeThrough(new DecompressionStream("gzip"))).text()
  .then((text) => { P = JSON.parse(text); build(); })
  .catch((e) => { document.getElementById("tree").textContent = "this browser cannot unpack the page (" + e + ")"; });
