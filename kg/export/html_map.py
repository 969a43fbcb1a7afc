"""The interactive HTML map (kg.html): one self-contained page that opens offline.

pyvis holds the node and edge data and ships the vis-network library; the page itself
comes from the template below, because pyvis's own template loads Bootstrap and
tom-select from CDNs. The vis-network JS/CSS is inlined, physics is off and every node
carries the x/y that layout.py computed, so thousands of nodes show at once.

Paper text is untrusted. Graph strings never reach the page as HTML: they travel as
JSON inside a non-executed <script type="application/json"> (with <, > and & escaped
as \\u003c, \\u003e, \\u0026 so nothing can close the tag), and the page JS turns them
into tooltips with textContent only. A Content-Security-Policy that allows only the
page's own two scripts (by hash) and no network at all backs this up.

The output is byte-for-byte deterministic: nodes and edges are sorted, ids derive from
the graph, and no timestamps, random ids or local paths are written.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
import pyvis
from pyvis.edge import Edge
from pyvis.network import Network

from kg.export.atomic import write_text
from kg.export.layout import compute_layout
from kg.graph import ENTITY_TYPES

VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"

# Tableau-10 colours: distinct, colour-blind friendly, readable on white.
KIND_COLORS = {
    "MODEL": "#4e79a7", "BENCHMARK": "#f28e2b", "TECHNIQUE": "#59a14f",
    "HARDWARE": "#e15759", "METRIC": "#b07aa1", "TASK": "#76b7b2",
    "OTHER": "#bab0ac", "PAPER": "#9c755f", "RESULT": "#edc948",
}
KIND_SHAPES = {"PAPER": "square", "RESULT": "diamond"}  # entities are dots
PAPER_EDGES = {"mentions", "proposes"}
RESULT_EDGES = {"reportedIn", "subject", "benchmark", "metric"}
EDGE_STYLES = {  # legend label, colour, width, arrow
    "relation": ("relation between entities", "#505050", 1.0, True),
    "proposes": ("paper proposes", "#9c755f", 1.5, True),
    "mentions": ("paper mentions", "#cfcfcf", 0.6, False),
    "result": ("result of", "#d9c36a", 0.6, False),
}
MAX_EVIDENCE = 3     # evidence sentences shown per relation tooltip
MAX_TEXT = 300       # characters of any one tooltip value
MAX_LABEL = 32       # characters of a paper title used as its label

VIS_OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False},
    "interaction": {
        "hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True,
        "hideEdgesOnZoom": True, "multiselect": False,
    },
    # Labels appear only once zoomed in far enough to read them (drawThreshold is in screen px).
    "nodes": {"borderWidth": 1, "font": {"size": 14, "face": "sans-serif"},
              "scaling": {"label": {"drawThreshold": 8}}},
    "edges": {"smooth": False, "color": {"inherit": False},
              "font": {"size": 10, "face": "sans-serif", "color": "#555555", "strokeWidth": 3},
              "scaling": {"label": {"drawThreshold": 8}}},
    "groups": {kind: {"color": color} for kind, color in KIND_COLORS.items()},
}

PAGE_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ vis_css|safe }}</style>
<style>{{ page_css|safe }}</style>
<script>{{ vis_js|safe }}</script>
</head>
<body>
<header>
  <h1>{{ title }}</h1>
  <span id="kg-stats">{{ n_nodes }} nodes &middot; {{ n_edges }} edges</span>
  <input id="kg-search" type="search" list="kg-names" placeholder="Search a name, alias or paper id" autocomplete="off" aria-label="Search nodes">
  <datalist id="kg-names"></datalist>
  <span id="kg-search-status" role="status"></span>
</header>
<main>
  <aside id="kg-legend">
    <h2>Node types</h2>
    {% for kind, count in kinds %}
    <label class="kg-type"><input type="checkbox" value="{{ kind }}" checked><span class="kg-swatch kg-{{ kind }}"></span>{{ kind }}<span class="kg-count">{{ count }}</span></label>
    {% endfor %}
    <h2>Edges</h2>
    {% for style, label in edge_legend %}
    <div class="kg-edge-key"><span class="kg-line kg-line-{{ style }}"></span>{{ label }}</div>
    {% endfor %}
    <p class="kg-hint">Node size grows with degree. Scroll to zoom (names appear when zoomed in), drag to pan, hover a node or edge for details.</p>
  </aside>
  <div id="kg-network"></div>
</main>
<script type="application/json" id="kg-data">{{ data_json|safe }}</script>
<script>{{ page_js|safe }}</script>
</body>
</html>
"""

PAGE_CSS_BASE = """
html, body { margin: 0; height: 100%; font-family: sans-serif; color: #222; }
body { display: flex; flex-direction: column; }
header { display: flex; align-items: center; gap: 1em; padding: .4em 1em; border-bottom: 1px solid #ddd; background: #fafafa; }
header h1 { font-size: 1.1em; margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 40%; }
#kg-stats, #kg-search-status { color: #666; font-size: .9em; }
#kg-search { width: 22em; padding: .3em .5em; }
main { flex: 1; display: flex; min-height: 0; }
#kg-legend { width: 13em; padding: .5em 1em; border-right: 1px solid #ddd; overflow-y: auto; font-size: .9em; }
#kg-legend h2 { font-size: .95em; margin: .8em 0 .4em; }
.kg-type { display: flex; align-items: center; gap: .4em; margin: .25em 0; cursor: pointer; }
.kg-count { margin-left: auto; color: #888; }
.kg-swatch { display: inline-block; width: .9em; height: .9em; border-radius: 50%; border: 1px solid #0003; }
.kg-swatch.kg-PAPER { border-radius: 0; }
.kg-swatch.kg-RESULT { border-radius: 0; transform: rotate(45deg) scale(.85); }
.kg-edge-key { display: flex; align-items: center; gap: .5em; margin: .3em 0; }
.kg-line { display: inline-block; width: 1.8em; border-top-style: solid; }
.kg-hint { color: #777; font-size: .85em; margin-top: 1.2em; }
#kg-network { flex: 1; min-width: 0; position: relative; }
div.vis-tooltip { white-space: normal; max-width: 32em; font: 13px/1.35 sans-serif; }
.kg-tip-head { font-weight: bold; margin-bottom: .3em; }
.kg-tip-row { margin: .15em 0; }
"""

PAGE_JS = """
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("kg-data").textContent);

  // Tooltips are DOM nodes filled with textContent: graph text is never parsed as HTML.
  function tooltip(tip) {
    const box = document.createElement("div");
    const head = document.createElement("div");
    head.className = "kg-tip-head";
    head.textContent = tip[0];
    box.appendChild(head);
    for (const [key, value] of tip[1]) {
      const row = document.createElement("div");
      const name = document.createElement("b");
      row.className = "kg-tip-row";
      name.textContent = key + ": ";
      row.append(name, document.createTextNode(value));
      box.appendChild(row);
    }
    return box;
  }
  for (const item of data.nodes.concat(data.edges)) {
    item.title = tooltip(item.tip);
    delete item.tip;
  }

  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.edges);
  const network = new vis.Network(document.getElementById("kg-network"), {nodes, edges}, data.options);

  // Search: Enter picks the best visible match (exact term first, then the shortest label containing it).
  const box = document.getElementById("kg-search");
  const status = document.getElementById("kg-search-status");
  const names = document.getElementById("kg-names");
  for (const label of [...new Set(data.nodes.map((n) => n.label))].sort()) {
    const option = document.createElement("option");
    option.value = label;
    names.appendChild(option);
  }
  function matches(query) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const visible = nodes.get({filter: (n) => !n.hidden});
    const exact = visible.filter((n) => n.terms.includes(q));
    const found = exact.length ? exact : visible.filter((n) => n.terms.some((t) => t.includes(q)));
    return found.sort((a, b) => a.label.length - b.label.length || (a.id < b.id ? -1 : 1));
  }
  function search(query) {
    const found = matches(query);
    if (!found.length) {
      network.unselectAll();
      status.textContent = query.trim() ? "no match" : "";
      return null;
    }
    network.selectNodes([found[0].id]);
    network.focus(found[0].id, {scale: Math.max(network.getScale(), 1.2), animation: {duration: 300}});
    status.textContent = found.length === 1 ? "1 match" : found[0].label + " (1 of " + found.length + " matches)";
    return found[0].id;
  }
  box.addEventListener("keydown", (e) => { if (e.key === "Enter") search(box.value); });
  box.addEventListener("input", () => { if (matches(box.value).some((n) => n.label === box.value)) search(box.value); });

  // Type filter: unchecked kinds are hidden (vis hides their edges too).
  const checks = [...document.querySelectorAll("#kg-legend input[type=checkbox]")];
  function applyFilter() {
    const shown = new Set(checks.filter((c) => c.checked).map((c) => c.value));
    nodes.update(nodes.get().map((n) => ({id: n.id, hidden: !shown.has(n.group)})));
    network.unselectAll();
  }
  checks.forEach((c) => c.addEventListener("change", applyFilter));

  window.kgMap = {nodes, edges, network, search};
})();
"""


def write_html_map(graph: nx.MultiDiGraph, path: str | Path, title: str = "kg knowledge graph") -> None:
    """Write the interactive map of GRAPH to PATH atomically, ready to open offline."""
    write_text(path, render_html_map(graph, title))


def render_html_map(graph: nx.MultiDiGraph, title: str = "kg knowledge graph") -> str:
    """The page as a string (same graph, same bytes)."""
    net = _pyvis_network(graph)
    nodes, edges, _, _, _, options = net.get_network_data()
    data_json = _script_json({"nodes": nodes, "edges": edges, "options": json.loads(options)})
    vis_js = _asset("vis-network.min.js", "</script")
    vis_css = _asset("vis-network.css", "</style")
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(PAGE_TEMPLATE).render(
        title=title, csp=_csp(vis_js, PAGE_JS), vis_js=vis_js, vis_css=vis_css,
        page_css=PAGE_CSS_BASE + _kind_css(), page_js=PAGE_JS, data_json=data_json,
        n_nodes=len(nodes), n_edges=len(edges), kinds=_kind_counts(nodes),
        edge_legend=[(style, spec[0]) for style, spec in EDGE_STYLES.items()],
    )


def _pyvis_network(graph: nx.MultiDiGraph) -> Network:
    """The pyvis network: sorted nodes with fixed positions, sorted edges with stable ids."""
    net = Network(directed=True, cdn_resources="in_line")
    net.options = VIS_OPTIONS
    positions = compute_layout(graph)
    degrees = dict(graph.degree())
    for node in sorted(graph.nodes, key=str):
        attrs = graph.nodes[node]
        x, y = positions[node]
        kind = _kind(attrs)
        net.add_node(
            str(node), label=_label(node, attrs), group=kind, shape=KIND_SHAPES.get(kind, "dot"), x=x, y=y,
            size=_size(degrees[node]), tip=_node_tip(node, attrs), terms=_terms(node, attrs),
        )
    edge_list = sorted(graph.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
    for number, (u, v, key, attrs) in enumerate(edge_list):
        # Edge() directly: Network.add_edge rescans the node list per edge (quadratic).
        net.edges.append(Edge(str(u), str(v), directed=True, id=f"e{number}",
                              **_edge_style(key, attrs), tip=_edge_tip(graph, u, v, key, attrs)).options)
    return net


def _kind(attrs: dict[str, Any]) -> str:
    """Legend/filter group: the entity type, PAPER or RESULT (unknown types fall into OTHER)."""
    kind = attrs.get("kind")
    if kind in ("paper", "result"):
        return kind.upper()
    return attrs.get("type") if attrs.get("type") in ENTITY_TYPES else "OTHER"


def _label(node: Any, attrs: dict[str, Any]) -> str:
    """Short on-canvas text: entity name, clipped paper title, or result value."""
    kind = attrs.get("kind")
    if kind == "paper":
        return _clip(attrs.get("title") or attrs.get("paper_id", ""), MAX_LABEL) or str(node)
    if kind == "result":
        return str(attrs.get("value") or node)
    return str(attrs.get("name") or node)


def _size(degree: int) -> float:
    """Dot radius grows with the square root of degree so hubs stand out without swamping."""
    return round(min(8 + 3 * math.sqrt(degree), 45), 1)


def _terms(node: Any, attrs: dict[str, Any]) -> list[str]:
    """Lower-cased strings the search box matches: names, aliases, paper ids and titles."""
    fields = [attrs.get("name"), attrs.get("title"), attrs.get("paper_id"), attrs.get("value"),
              *attrs.get("aliases", []), str(node)]
    return sorted({str(f).lower() for f in fields if f})


def _node_tip(node: Any, attrs: dict[str, Any]) -> list[Any]:
    """[heading, [[key, value], ...]] describing a node; rendered as text by the page."""
    kind = attrs.get("kind")
    if kind == "paper":
        authors = attrs.get("authors", [])
        rows = [("paper", attrs.get("paper_id", "")), ("date", attrs.get("date", "")),
                ("authors", ", ".join(authors[:5]) + (" et al." if len(authors) > 5 else "")),
                ("url", attrs.get("url", ""))]
        return _tip(attrs.get("title") or str(node), rows)
    if kind == "result":
        rows = [(role, attrs.get(role, "")) for role in ("subject", "benchmark", "metric")]
        rows += [("paper", attrs.get("paper_id", "")), ("evidence", attrs.get("sentence", ""))]
        return _tip(str(attrs.get("value") or node), rows)
    rows = [("type", attrs.get("type", "")), ("aliases", ", ".join(attrs.get("aliases", [])) or "none"),
            ("papers", str(attrs.get("papers", 0)))]
    return _tip(str(attrs.get("name") or node), rows)


def _edge_tip(graph: nx.MultiDiGraph, u: Any, v: Any, key: str, attrs: dict[str, Any]) -> list[Any]:
    """Relation edges list support, confidence and their first evidence sentences."""
    ends = f"{_label(u, graph.nodes[u])} \u2192 {_label(v, graph.nodes[v])}"
    if key in PAPER_EDGES or key in RESULT_EDGES:
        return _tip(ends, [("edge", key)])
    evidence = attrs.get("evidence", [])
    rows = [("relation", key), ("support", f"{attrs.get('support', 0)} paper(s)"),
            ("confidence", f"{float(attrs.get('confidence', 0)):.2f}")]
    for ev in evidence[:MAX_EVIDENCE]:
        where = f"{ev.get('paper', '')} [{ev.get('start')}\u2013{ev.get('end')}]"
        how = f"rule {ev.get('rule', '')}, confidence {float(ev.get('confidence', 0)):.2f}"
        rows.append((f"{where}, {how}", f"\u201c{ev.get('sentence', '')}\u201d"))
    if len(evidence) > MAX_EVIDENCE:
        rows.append(("more", f"{len(evidence) - MAX_EVIDENCE} more sentence(s)"))
    return _tip(f"{_label(u, graph.nodes[u])} {key} {_label(v, graph.nodes[v])}", rows)


def _tip(heading: str, rows: list[tuple[str, Any]]) -> list[Any]:
    """Drop empty rows and clip long values so tooltips (and the file) stay small."""
    return [_clip(heading, MAX_TEXT), [[k, _clip(str(v), MAX_TEXT)] for k, v in rows if v not in ("", None)]]


def _edge_style(key: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """vis.js edge options: relations are dark, labelled arrows thickening with support."""
    style = key if key in PAPER_EDGES else "result" if key in RESULT_EDGES else "relation"
    _, color, width, arrow = EDGE_STYLES[style]
    options: dict[str, Any] = {"color": color, "width": width, "arrows": "to" if arrow else ""}
    if style == "relation":
        options["width"] = round(width + 0.5 * min(int(attrs.get("support", 1)), 5), 1)
        options["label"] = key
    if style == "result":
        options["dashes"] = True
    return options


def _clip(text: str, limit: int) -> str:
    """TEXT cut to LIMIT characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _kind_counts(nodes: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Legend rows in fixed order: only the kinds present in the graph."""
    counts = Counter(n["group"] for n in nodes)
    return [(kind, counts[kind]) for kind in KIND_COLORS if counts[kind]]


def _kind_css() -> str:
    """Legend swatch and edge-line colours (classes, since the CSP forbids style attributes)."""
    swatches = "".join(f".kg-swatch.kg-{kind} {{ background: {color}; }}\n" for kind, color in KIND_COLORS.items())
    lines = "".join(
        f".kg-line-{style} {{ border-top: {max(width, 1.0)}px {'dashed' if style == 'result' else 'solid'} {color}; }}\n"
        for style, (_, color, width, _arrow) in EDGE_STYLES.items()
    )
    return swatches + lines


def _script_json(value: Any) -> str:
    """JSON safe inside <script>: no <, > or & survive, so untrusted text cannot end the tag."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str, closing_tag: str) -> str:
    """A vis-network file from pyvis's package, checked to be safe to inline."""
    text = (VIS_DIR / name).read_text(encoding="utf-8")
    if closing_tag in text.lower():
        raise ValueError(f"{name} contains {closing_tag!r} and cannot be inlined")
    return text


def _csp(*scripts: str) -> str:
    """A policy allowing exactly these inline scripts and no network access at all."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
        for s in scripts
    )
    return f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:"
