/* productready report: control table, filters and drill-downs rendered from the embedded JSON.
   Repository text only ever reaches the page through textContent (never innerHTML). */
(function () {
  "use strict";
  var PAGE = 100, FINDINGS_STEP = 20, PRINT_MAX = 2000;
  var SEV_RANK = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
  var STATUS = {
    pass: ["Pass", "\u2713"], fail: ["Fail", "\u2717"], inconclusive: ["Inconclusive", "?"],
    manual: ["Manual", "\u270e"], not_applicable: ["Not applicable", "\u2013"]
  };
  var dataNode = document.getElementById("pr-data");
  if (!dataNode) { return; }
  var DATA = JSON.parse(dataNode.textContent);
  var C = DATA.controls, F = DATA.findings;
  var FW_NAME = {};
  DATA.frameworks.forEach(function (fw) { FW_NAME[fw.cat] = fw.name; });

  var STATUS_ORDER = { fail: 0, inconclusive: 1, manual: 2, pass: 3, not_applicable: 4 };
  var state = { fw: "", st: "", sev: "", q: "", sort: "", page: 0 };
  var open = {};
  var shownFindings = {};
  var filtered = [];
  var printing = false;

  function $(id) { return document.getElementById(id); }

  /* h("tag.class", {attr: value}, children...): strings become text nodes */
  function h(spec, attrs) {
    var parts = spec.split("."), el = document.createElement(parts[0]);
    if (parts.length > 1) { el.className = parts.slice(1).join(" "); }
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) { return; }
        if (k === "text") { el.textContent = String(v); }
        else if (k.slice(0, 2) === "on") { el.addEventListener(k.slice(2), v); }
        else { el.setAttribute(k, String(v)); }
      });
    }
    for (var i = 2; i < arguments.length; i++) { add(el, arguments[i]); }
    return el;
  }
  function add(el, kid) {
    if (kid === null || kid === undefined || kid === false) { return; }
    if (Array.isArray(kid)) { kid.forEach(function (k) { add(el, k); }); return; }
    el.appendChild(typeof kid === "object" ? kid : document.createTextNode(String(kid)));
  }
  function badge(kind, value, label, icon) {
    return h("span.badge." + kind + "-" + value, null, icon ? h("span.i", { "aria-hidden": "true", text: icon }) : null, label);
  }
  function statusBadge(st) { return badge("st", st, STATUS[st][0], STATUS[st][1]); }
  function sevBadge(sev) { return sev ? badge("sev", sev, sev.charAt(0).toUpperCase() + sev.slice(1)) : h("span.muted", { text: "\u2013" }); }
  function safeUrl(u) { return /^https?:\/\/[^\s"'<>]+$/i.test(u || "") ? u : ""; }
  function where(f) { return f.p ? (f.l ? f.p + ":" + f.l : f.p) : "(repository)"; }

  /* ------------------------------------------------------------ filtering */

  function matches(c) {
    if (state.fw && c.cat !== state.fw) { return false; }
    if (state.st && c.st !== state.st) { return false; }
    if (state.sev) {
      if (state.sev === "none" ? c.sev !== "" : c.sev !== state.sev) { return false; }
    }
    if (state.q) {
      var q = state.q.toLowerCase();
      if ((c.k + " " + c.t + " " + c.r).toLowerCase().indexOf(q) < 0) { return false; }
    }
    return true;
  }

  function readHash() {
    var m = /^#controls\?(.*)$/.exec(window.location.hash || "");
    if (!m) { return; }
    m[1].split("&").forEach(function (pair) {
      var kv = pair.split("="), k = decodeURIComponent(kv[0] || ""), v = decodeURIComponent(kv[1] || "");
      if (k === "framework") { state.fw = v; } else if (k === "status") { state.st = v; }
      else if (k === "severity") { state.sev = v; } else if (k === "q") { state.q = v; }
      else if (k === "sort") { state.sort = v === "catalog" ? v : ""; }
      else if (k === "page") { state.page = Math.max(0, (parseInt(v, 10) || 1) - 1); }
    });
    if (state.fw && !FW_NAME[state.fw]) { state.fw = ""; }
    if (state.st && !STATUS[state.st]) { state.st = ""; }
    if (state.sev && state.sev !== "none" && !(state.sev in SEV_RANK)) { state.sev = ""; }
  }

  function writeHash() {
    var parts = [];
    if (state.fw) { parts.push("framework=" + encodeURIComponent(state.fw)); }
    if (state.st) { parts.push("status=" + encodeURIComponent(state.st)); }
    if (state.sev) { parts.push("severity=" + encodeURIComponent(state.sev)); }
    if (state.q) { parts.push("q=" + encodeURIComponent(state.q)); }
    if (state.sort) { parts.push("sort=" + encodeURIComponent(state.sort)); }
    if (state.page) { parts.push("page=" + (state.page + 1)); }
    var hash = parts.length ? "#controls?" + parts.join("&") : "";
    if (window.history && window.history.replaceState && window.location.protocol !== "about:") {
      try { window.history.replaceState(null, "", hash || window.location.pathname + window.location.search); } catch (e) { /* file: in some browsers */ }
    }
  }

  function syncInputs() {
    $("f-framework").value = state.fw; $("f-status").value = state.st;
    $("f-severity").value = state.sev; $("f-search").value = state.q; $("f-sort").value = state.sort;
  }

  /* ------------------------------------------------------------ rendering */

  function renderState(total, first, last) {
    var box = $("filter-state");
    box.textContent = "";
    var active = [];
    if (state.fw) { active.push(["Framework", FW_NAME[state.fw] + " (" + state.fw + ")"]); }
    if (state.st) { active.push(["Status", STATUS[state.st][0]]); }
    if (state.sev) { active.push(["Severity", state.sev === "none" ? "no findings" : state.sev]); }
    if (state.q) { active.push(["Search", "\u201c" + state.q + "\u201d"]); }
    var summary = total ? "Showing " + first + "\u2013" + last + " of " + total + " control" + (total === 1 ? "" : "s")
      : "No control matches";
    if (active.length) { summary += " (filtered from " + C.length + ")"; }
    add(box, h("strong", { id: "filter-summary", text: summary }));
    if (active.length) {
      active.forEach(function (a) { add(box, h("span.tag", null, a[0] + ": ", h("b", { text: a[1] }))); });
      add(box, h("button.noprint", { type: "button", id: "f-clear", onclick: clearFilters, text: "Clear filters" }));
    } else {
      add(box, h("span.muted", { text: "No filter applied" }));
    }
  }

  function renderTable() {
    filtered = [];
    for (var i = 0; i < C.length; i++) { if (matches(C[i])) { filtered.push(i); } }
    if (!state.sort) { filtered.sort(worstFirst); }
    var pages = Math.max(1, Math.ceil(filtered.length / PAGE));
    if (state.page >= pages) { state.page = pages - 1; }
    var rows = printing ? filtered.slice(0, PRINT_MAX) : filtered.slice(state.page * PAGE, (state.page + 1) * PAGE);
    var body = $("controls-body");
    body.textContent = "";
    var frag = document.createDocumentFragment();
    rows.forEach(function (i) { addRow(frag, i); });
    body.appendChild(frag);
    var first = filtered.length ? (printing ? 1 : state.page * PAGE + 1) : 0;
    renderState(filtered.length, first, first ? first + rows.length - 1 : 0);
    $("pg-info").textContent = "Page " + (state.page + 1) + " of " + pages;
    $("pg-prev").disabled = state.page <= 0;
    $("pg-next").disabled = state.page >= pages - 1;
    if (!printing) { writeHash(); }
  }

  function worstFirst(a, b) {
    var x = C[a], y = C[b];
    return (STATUS_ORDER[x.st] - STATUS_ORDER[y.st]) ||
      ((y.sev ? SEV_RANK[y.sev] + 1 : 0) - (x.sev ? SEV_RANK[x.sev] + 1 : 0)) ||
      (y.f.length - x.f.length) || (a - b);
  }

  function addRow(parent, i) {
    var c = C[i], isOpen = printing || !!open[c.k];
    var toggle = h("button.toggle", { type: "button", "aria-expanded": isOpen ? "true" : "false", title: c.k, text: c.id, onclick: function () {
      if (open[c.k]) { delete open[c.k]; } else { open[c.k] = true; }
      var tr = toggle.closest("tr"), next = tr.nextSibling;
      if (next && next.classList && next.classList.contains("drill")) { next.remove(); tr.classList.remove("open"); toggle.setAttribute("aria-expanded", "false"); }
      else { tr.parentNode.insertBefore(drillRow(i), tr.nextSibling); tr.classList.add("open"); toggle.setAttribute("aria-expanded", "true"); }
    } });
    var tr = h("tr.ctl" + (isOpen ? ".open" : ""), { "data-status": c.st, "data-key": c.k, "data-severity": c.sev },
      h("td", null, statusBadge(c.st)),
      h("td.mono", null, toggle),
      h("td.title", { text: c.t }),
      h("td", { text: c.fw }),
      h("td", null, sevBadge(c.sev)),
      h("td.num", { text: c.f.length }),
      h("td", { text: c.b }));
    parent.appendChild(tr);
    if (isOpen) { parent.appendChild(drillRow(i)); }
  }

  function list(items, mono) {
    if (!items || !items.length) { return h("span.none", { text: "none" }); }
    if (!mono) { return h("ul.rules", null, items.map(function (x) { return h("li", { text: x }); })); }
    var ul = h("ul.codes");
    function fill(n) {
      ul.textContent = "";
      items.slice(0, n).forEach(function (x) { add(ul, h("li", null, h("code", { text: x }))); });
      if (n < items.length) {
        add(ul, h("li", null, h("button.show-more.link", { type: "button", text: "+ " + (items.length - n) + " more", onclick: function () { fill(items.length); } })));
      }
    }
    fill(printing ? items.length : 12);
    return ul;
  }

  function drillRow(i) {
    var c = C[i];
    var body = h("div.drill-body");
    if (c.sum || c.txt) {
      add(body, h("h4", { text: "Requirement" }));
      if (c.sum) { add(body, h("p", { text: c.sum })); }
      if (c.txt && c.txt !== c.sum) { add(body, h("p", null, h("em", { text: c.txt }))); }
    }
    add(body, h("h4", { text: "Status" }));
    add(body, h("dl.kv", null,
      h("dt", { text: "status" }), h("dd", null, statusBadge(c.st)),
      h("dt", { text: "basis" }), h("dd", { text: c.b }),
      h("dt", { text: "reason" }), h("dd", { text: c.r || "\u2013" }),
      c.lvl ? [h("dt", { text: "ASVS level" }), h("dd", { text: c.lvl })] : null));
    if (c.der.length || c.rel.length) {
      add(body, h("h4", { text: "Provenance (cross-walk)" }));
      add(body, h("dl.kv", null,
        c.der.length ? [h("dt", { text: "derived from" }), h("dd", null, list(c.der, true))] : null,
        c.rel.length ? [h("dt", { text: "related" }), h("dd", null, list(c.rel, false))] : null));
    }
    if (c.f.length) {
      add(body, h("h4", { text: "Findings (" + c.f.length + ")" }));
      var box = h("div.findings");
      add(body, box);
      renderFindings(box, c.f, c.k);
    }
    add(body, h("h4", { text: "Evidence" }));
    add(body, h("dl.kv", null,
      h("dt", { text: "selectors" }), h("dd", null, list(c.sel, true)),
      h("dt", { text: "rules that looked" }), h("dd", null, list(c.ev, true)),
      h("dt", { text: "rules that could not look" }), h("dd", null, list(c.inc, true))));
    return h("tr.drill", null, h("td", { colspan: "7" }, body));
  }

  function renderFindings(box, idx, key) {
    var n = printing ? Math.min(idx.length, 50) : Math.min(idx.length, shownFindings[key] || FINDINGS_STEP);
    box.textContent = "";
    for (var j = 0; j < n; j++) { box.appendChild(findingCard(F[idx[j]])); }
    if (n < idx.length) {
      var rest = idx.length - n;
      add(box, h("div.more", null, h("button.show-more", { type: "button", text: "Show " + Math.min(rest, 100) + " more of " + rest, onclick: function () {
        shownFindings[key] = n + 100; renderFindings(box, idx, key);
      } })));
      if (printing) { add(box, h("p.static-note", { text: "\u2026 and " + rest + " more finding(s): see the interactive report or report.json" })); }
    }
  }

  function findingCard(f) {
    var url = safeUrl(f.url);
    var card = h("div.finding", null,
      h("div.head", null, sevBadge(f.sev), f.blk ? h("span.badge.blk", { text: "blocks the gate" }) : null,
        f.tri && f.tri !== "new" ? h("span.badge.sev-info", { title: "triage", text: f.tri }) : null,
        h("strong", { text: f.t }), h("code", { text: f.rule }), h("code", { text: where(f) })),
      f.m && f.m !== f.t ? h("div.msg", { text: f.m }) : null);
    if (f.s) { card.appendChild(snippet(f)); }
    var meta = [];
    if (f.cwe && f.cwe.length) { meta.push("CWE-" + f.cwe.join(", CWE-")); }
    meta.push("confidence " + f.conf);
    meta.push("fingerprint " + f.fp);
    if (f.rem) { add(card, h("p.rem", null, h("b", { text: "Fix: " }), f.rem)); }
    add(card, h("p.rem.muted", null, meta.join(" \u00b7 "), url ? [" \u00b7 ", h("a", { href: url, rel: "noopener noreferrer", target: "_blank", text: "rule documentation" })] : null));
    return card;
  }

  function snippet(f) {
    var lines = f.s.split("\n"), last = Math.max(f.l, f.e || 0);
    var pre = h("pre.snip", { "aria-label": "code at " + where(f) });
    lines.forEach(function (text, k) {
      var n = f.l ? f.l + k : 0;
      var hit = f.l && n >= f.l && n <= last;
      pre.appendChild(h("span.ln" + (hit ? ".hit" : ""), { "data-n": n ? String(n) : "", title: hit ? "reported line" : null, text: text || " " }));
    });
    return pre;
  }

  /* ------------------------------------------------------------ unmapped findings */

  var unmappedShown = 20;
  function renderUnmapped() {
    var box = $("unmapped-list");
    if (!box) { return; }
    box.textContent = "";
    var idx = DATA.unmapped, n = printing ? Math.min(idx.length, 200) : Math.min(idx.length, unmappedShown);
    if (!idx.length) { add(box, h("p.none", { text: "None: every finding is claimed by at least one control." })); return; }
    for (var j = 0; j < n; j++) { box.appendChild(findingCard(F[idx[j]])); }
    if (n < idx.length) {
      add(box, h("div.more", null, h("button.show-more", { type: "button", text: "Show more (" + (idx.length - n) + " left)", onclick: function () {
        unmappedShown += 100; renderUnmapped();
      } })));
    }
  }

  /* ------------------------------------------------------------ wiring */

  function clearFilters() {
    state = { fw: "", st: "", sev: "", q: "", sort: state.sort, page: 0 };
    syncInputs(); renderTable();
  }

  function init() {
    var fwSel = $("f-framework");
    DATA.frameworks.forEach(function (fw) { add(fwSel, h("option", { value: fw.cat, text: fw.name + " (" + fw.cat + ")" })); });
    readHash();
    syncInputs();
    $("f-framework").addEventListener("change", function (e) { state.fw = e.target.value; state.page = 0; renderTable(); });
    $("f-status").addEventListener("change", function (e) { state.st = e.target.value; state.page = 0; renderTable(); });
    $("f-severity").addEventListener("change", function (e) { state.sev = e.target.value; state.page = 0; renderTable(); });
    $("f-sort").addEventListener("change", function (e) { state.sort = e.target.value; state.page = 0; renderTable(); });
    var timer = null;
    $("f-search").addEventListener("input", function (e) {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { state.q = e.target.value.trim(); state.page = 0; renderTable(); }, 150);
    });
    function toTop() { var t = $("filter-state"); if (t.getBoundingClientRect().top < 0) { t.scrollIntoView(); window.scrollBy(0, -60); } }
    $("pg-prev").addEventListener("click", function () { if (state.page > 0) { state.page--; renderTable(); toTop(); } });
    $("pg-next").addEventListener("click", function () { state.page++; renderTable(); toTop(); });
    Array.prototype.forEach.call(document.querySelectorAll("[data-filter-status]"), function (a) {
      a.addEventListener("click", function () {
        state = { fw: a.getAttribute("data-filter-framework") || "", st: a.getAttribute("data-filter-status") || "", sev: "", q: "", sort: state.sort, page: 0 };
        syncInputs(); renderTable();
      });
    });
    window.addEventListener("beforeprint", function () { printing = true; renderTable(); renderUnmapped(); });
    window.addEventListener("afterprint", function () { printing = false; renderTable(); renderUnmapped(); });
    $("controls-ui").hidden = false;
    renderTable();
    renderUnmapped();
    document.documentElement.setAttribute("data-ready", "true");
  }

  init();
}());
