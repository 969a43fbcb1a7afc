"""The HTML map: deterministic bytes, no remote resources, and (in real headless chromium)
an offline page where hostile paper text stays text and search / type filter work."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from bs4 import BeautifulSoup

from kg.export.html_map import VIS_DIR, write_html_map
from kg.graph import build_graph

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Each hostile string sets window.__kgPwned if it is ever parsed as HTML / run as script.
TITLE_SCRIPT = "<script>window.__kgPwned = 'title-script'</script> Scaling BERT"
TITLE_IMG = "\"><img src=x onerror=\"window.__kgPwned = 'title-img'\">"
ENTITY_IMG = "<img src=x onerror=\"window.__kgPwned = 'entity'\">"
EVIDENCE_SCRIPT = "BERT is evaluated on GLUE </script><script>window.__kgPwned = 'evidence'</script>"
PAGE_TITLE = "<script>window.__kgPwned = 'page-title'</script>map"
HOSTILE = (TITLE_SCRIPT, TITLE_IMG, ENTITY_IMG, EVIDENCE_SCRIPT, PAGE_TITLE)

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian chromium not installed at {CHROMIUM}")


def _rel(head: str, relation: str, tail: str, evidence: str, start: int) -> dict[str, Any]:
    return {"head": head, "relation": relation, "tail": tail, "evidence": evidence,
            "start": start, "end": start + len(evidence), "rule": "test-rule", "confidence": 0.9}


RECORDS: list[dict[str, Any]] = [
    {
        "id": "2401.00001", "title": TITLE_SCRIPT, "text": "abstract one",
        "entities": [
            {"name": "BERT", "type": "MODEL", "aliases": ["Bidirectional Encoder"]},
            {"name": "GLUE", "type": "BENCHMARK", "aliases": []},
            {"name": ENTITY_IMG, "type": "TECHNIQUE", "aliases": []},
            {"name": "A100", "type": "HARDWARE", "aliases": []},
        ],
        "relations": [
            _rel("BERT", "EVALUATED_ON", "GLUE", EVIDENCE_SCRIPT, 0),
            _rel("BERT", "USES", ENTITY_IMG, "BERT uses the trick.", 90),
            _rel("BERT", "TRAINED_ON", "A100", "BERT is trained on A100 GPUs.", 120),
        ],
        "contributions": ["BERT"],
        "results": [{"subject": "BERT", "benchmark": "GLUE", "metric": "accuracy", "value": "80.5%",
                     "number": 80.5, "unit": "%", "evidence": "BERT reaches 80.5% on GLUE.", "start": 150, "end": 176}],
    },
    {
        "id": "2401.00002", "title": TITLE_IMG, "text": "abstract two",
        "entities": [
            {"name": "RoBERTa", "type": "MODEL", "aliases": []},
            {"name": "BERT", "type": "MODEL", "aliases": []},
            {"name": "GLUE", "type": "BENCHMARK", "aliases": []},
            {"name": "F1", "type": "METRIC", "aliases": []},
            {"name": "question answering", "type": "TASK", "aliases": []},
        ],
        "relations": [
            _rel("RoBERTa", "OUTPERFORMS", "BERT", "RoBERTa outperforms BERT.", 0),
            _rel("RoBERTa", "BUILT_ON", "BERT", "RoBERTa builds on BERT.", 30),
            _rel("RoBERTa", "EVALUATED_ON", "GLUE", "RoBERTa is evaluated on GLUE with F1.", 60),
        ],
        "contributions": ["RoBERTa"],
        "results": [],
    },
]


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return build_graph(RECORDS)


@pytest.fixture(scope="module")
def map_path(graph: nx.MultiDiGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("map") / "kg.html"
    write_html_map(graph, path, title=PAGE_TITLE)
    return path


def test_same_graph_gives_identical_bytes(graph: nx.MultiDiGraph, map_path: Path, tmp_path: Path) -> None:
    again, reordered = tmp_path / "again.html", tmp_path / "reordered.html"
    write_html_map(graph, again, title=PAGE_TITLE)
    write_html_map(build_graph(reversed(RECORDS)), reordered, title=PAGE_TITLE)
    assert again.read_bytes() == map_path.read_bytes()
    assert reordered.read_bytes() == map_path.read_bytes()


def test_write_is_atomic_and_leaves_no_temp_files(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    write_html_map(graph, tmp_path / "kg.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.html"]


def test_no_remote_resources(map_path: Path) -> None:
    soup = BeautifulSoup(map_path.read_text(encoding="utf-8"), "html.parser")
    assert not soup.find_all("link"), "stylesheets must be inlined"
    assert all(not s.get("src") for s in soup.find_all("script")), "scripts must be inlined"
    for tag in soup.find_all(True):
        for attr in ("src", "href", "srcset", "data", "poster", "action"):
            value = str(tag.get(attr) or "")
            assert not re.match(r"\s*(https?:)?//", value), f"<{tag.name} {attr}={value!r}> is remote"
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert csp is not None and "default-src 'none'" in csp["content"]


def _own_text(path: Path) -> str:
    """The page minus the inlined vis-network library (whose minified source is not ours to check)."""
    html = path.read_text(encoding="utf-8")
    for asset in ("vis-network.min.js", "vis-network.css"):
        html = html.replace((VIS_DIR / asset).read_text(encoding="utf-8"), "")
    return html


def test_hostile_strings_never_appear_as_markup(map_path: Path) -> None:
    html = map_path.read_text(encoding="utf-8")
    for text in HOSTILE:
        assert text not in html
    soup = BeautifulSoup(html, "html.parser")
    assert [s.get("type") for s in soup.find_all("script")] == [None, "application/json", None]  # vis, data, JS
    data = soup.find("script", id="kg-data").string
    assert "<" not in data and ">" not in data
    assert "&lt;script&gt;window.__kgPwned = &#39;page-title&#39;&lt;/script&gt;map" in html


def test_output_has_no_local_paths_or_random_ids(map_path: Path) -> None:
    html = _own_text(map_path)
    assert str(map_path.parent) not in html
    assert "site-packages" not in html and "/tmp/" not in html
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", html)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Debian chromium (fresh profile, no background networking) for the module."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian chromium not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need Playwright for Python: pip install playwright "
                    "(never `playwright install`: the tests use /usr/bin/chromium)")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"), executable_path=str(CHROMIUM),
            headless=True, args=CHROMIUM_ARGS, viewport={"width": 1200, "height": 800},
        )
        yield context
        context.close()


class LoadedMap:
    """An opened kg.html page plus everything it logged or requested while loading and after."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page()
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.page.goto(self.url)
        self.page.wait_for_function("window.kgMap !== undefined")

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def visible_nodes(self) -> list[str]:
        return sorted(self.js("kgMap.nodes.get({filter: (n) => !n.hidden}).map((n) => n.id)"))

    def search(self, text: str) -> list[str]:
        self.page.fill("#kg-search", text)
        self.page.press("#kg-search", "Enter")
        return self.js("kgMap.network.getSelectedNodes()")


@pytest.fixture
def loaded(browser: Any, map_path: Path) -> Iterator[LoadedMap]:
    page = LoadedMap(browser, map_path)
    yield page
    page.page.close()


@needs_chromium
def test_page_loads_offline_with_every_node(loaded: LoadedMap, graph: nx.MultiDiGraph) -> None:
    loaded.page.wait_for_timeout(300)
    assert loaded.errors == []
    assert loaded.requests == [loaded.url]
    assert loaded.js("kgMap.nodes.length") == graph.number_of_nodes()
    assert loaded.js("kgMap.edges.length") == graph.number_of_edges()
    assert loaded.js("kgMap.network.body.data.nodes.length") == graph.number_of_nodes()
    assert loaded.js("typeof window.__kgPwned") == "undefined"
    assert loaded.page.title() == PAGE_TITLE


@needs_chromium
def test_hostile_text_is_shown_as_text_never_run(loaded: LoadedMap) -> None:
    node = "entity:" + re.sub(r"[\W_]+", "", ENTITY_IMG.lower())
    point = loaded.js(
        """(id) => {
            kgMap.network.moveTo({position: kgMap.network.getPositions([id])[id], scale: 1.5});
            const dom = kgMap.network.canvasToDOM(kgMap.network.getPositions([id])[id]);
            const box = document.getElementById("kg-network").getBoundingClientRect();
            return [dom.x + box.left, dom.y + box.top];
        }""", node)
    loaded.page.mouse.move(point[0] + 3, point[1] + 3)
    loaded.page.mouse.move(point[0], point[1])
    loaded.page.wait_for_selector("div.vis-tooltip", state="visible")
    assert ENTITY_IMG in loaded.js("document.querySelector('div.vis-tooltip').textContent")
    titles = loaded.js("kgMap.nodes.get().concat(kgMap.edges.get()).map((x) => x.title.textContent)")
    for text in (TITLE_SCRIPT, TITLE_IMG, ENTITY_IMG, EVIDENCE_SCRIPT):
        assert any(text in t for t in titles), f"{text!r} missing from the tooltips"
    assert loaded.js("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert loaded.js("document.scripts.length") == 3
    assert loaded.js("typeof window.__kgPwned") == "undefined"
    assert loaded.errors == [] and loaded.requests == [loaded.url]


@needs_chromium
def test_relation_tooltip_lists_evidence(loaded: LoadedMap) -> None:
    text = loaded.js(
        "kgMap.edges.get({filter: (e) => e.label === 'EVALUATED_ON' && e.from === 'entity:bert'})[0].title.textContent")
    assert "support: 1 paper(s)" in text
    assert "2401.00001 [0\u2013" in text and "rule test-rule, confidence 0.90" in text
    assert EVIDENCE_SCRIPT in text


@needs_chromium
def test_search_selects_the_matching_node(loaded: LoadedMap) -> None:
    assert loaded.search("roberta") == ["entity:roberta"]
    assert loaded.js("document.getElementById('kg-search-status').textContent") == "1 match"
    assert loaded.search("Bidirectional Encoder") == ["entity:bert"]  # an alias
    assert loaded.search("2401.00002") == ["paper:2401.00002"]
    assert loaded.search("no such entity") == []
    assert loaded.js("document.getElementById('kg-search-status').textContent") == "no match"


@needs_chromium
def test_type_filter_hides_and_shows_a_type(loaded: LoadedMap, graph: nx.MultiDiGraph) -> None:
    everything = sorted(graph.nodes)
    models = sorted(n for n, a in graph.nodes(data=True) if a.get("type") == "MODEL")
    assert len(models) == 2 and loaded.visible_nodes() == everything
    loaded.page.uncheck("#kg-legend input[value=MODEL]")
    assert loaded.visible_nodes() == sorted(set(everything) - set(models))
    assert loaded.search("RoBERTa") == []  # hidden nodes are not found
    loaded.page.check("#kg-legend input[value=MODEL]")
    assert loaded.visible_nodes() == everything
    assert loaded.search("RoBERTa") == ["entity:roberta"]
    assert loaded.errors == []
