"""HTML pages: a saved Hugging Face papers page, an arXiv abstract page or an arXiv listing."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from bs4 import BeautifulSoup, Tag

from ..paper import Paper, find_arxiv_id

log = logging.getLogger("kg.ingest")


def _text(node: Tag | None) -> str:
    return " ".join(node.get_text(" ").split()) if node else ""


def _strip_label(text: str, label: str) -> str:
    return re.sub(rf"^\s*{label}:?\s*", "", text, flags=re.IGNORECASE)


def _meta(soup: BeautifulSoup, name: str) -> list[str]:
    return [m.get("content", "").strip() for m in soup.find_all("meta", attrs={"name": name}) if m.get("content")]


def _iso_date(date: str | None) -> str | None:
    """"2024/01/11" or "2024-01-11T08:00:00Z" as "2024-01-11"; anything else unchanged."""
    m = re.match(r"(\d{4})[-/](\d{2})[-/](\d{2})", date or "")
    return "-".join(m.groups()) if m else date


def _first_last(name: str) -> str:
    """arXiv's "Dai, Damai" as "Damai Dai"."""
    last, sep, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if sep and first.strip() and "," not in first else name


def _page_url(soup: BeautifulSoup) -> str | None:
    """The page's own address: <link rel=canonical> or og:url."""
    link = soup.find("link", rel="canonical", href=True)
    og = soup.find("meta", property="og:url", content=True)
    return link["href"] if link else og["content"] if og else None


def _arxiv_abs(soup: BeautifulSoup, source: str) -> Iterator[Paper]:
    """An arXiv abstract page (citation_* meta tags, or the #abs block)."""
    title = (_meta(soup, "citation_title") or [_strip_label(_text(soup.select_one("h1.title")), "Title")])[0]
    abstract = (_meta(soup, "citation_abstract") or [_strip_label(_text(soup.select_one("blockquote.abstract")), "Abstract")])[0]
    url = (_meta(soup, "citation_abs_url") or [_page_url(soup)])[0]
    arxiv = find_arxiv_id(*_meta(soup, "citation_arxiv_id"), url, source) or ""
    url = url or (f"https://arxiv.org/abs/{arxiv}" if arxiv else None)
    date = (_meta(soup, "citation_date") or _meta(soup, "citation_online_date") or [None])[0]
    if title and abstract:
        yield Paper(title=" ".join(title.split()), abstract=" ".join(abstract.split()), id=arxiv or "",
                    url=url, date=_iso_date(date), authors=[_first_last(a) for a in _meta(soup, "citation_author")],
                    sources=[source])


def _arxiv_listing(soup: BeautifulSoup, source: str) -> Iterator[Paper]:
    """An arXiv listing page: <dt> with the id, <dd> with title, authors and (maybe) abstract."""
    for dt in soup.find_all("dt"):
        dd = dt.find_next_sibling("dd")
        if dd is None:
            continue
        link = dt.find("a", href=re.compile(r"/abs/"))
        arxiv = find_arxiv_id(link.get("href") if link else _text(dt))
        title = _strip_label(_text(dd.select_one(".list-title")), "Title")
        abstract = _text(dd.select_one("p.mathjax")) or _text(dd.select_one(".abstract"))
        authors = [_text(a) for a in dd.select(".list-authors a")]
        if title and abstract:
            yield Paper(title=title, abstract=abstract, id=arxiv or "", sources=[f"{source}#{arxiv or title[:30]}"],
                        url=f"https://arxiv.org/abs/{arxiv}" if arxiv else None, authors=authors)
        elif title:
            log.warning("%s: listing entry %s has no abstract, skipped: %.60s", source, arxiv or "?", title)


def _hf_papers(soup: BeautifulSoup, source: str) -> Iterator[Paper]:
    """A saved Hugging Face papers page: one <article> per paper, or a single paper page."""
    articles = soup.find_all("article")
    single = not articles
    for art in [soup] if single else articles:
        heading = art.find(["h1", "h3", "h2"])
        title = _text(heading)
        link = heading.find("a", href=True) if heading else None
        url = link["href"] if link else _page_url(soup) if single else None
        para = art.select_one("p.abstract, div.abstract p, section.abstract p") or next(
            (p for p in art.find_all("p") if len(_text(p)) > 120), None
        )
        abstract = _strip_label(_text(para), "Abstract")
        date_el = art.find("time")
        date = date_el.get("datetime") if date_el and date_el.get("datetime") else None
        if title and abstract:
            if url and url.startswith("/"):
                url = "https://huggingface.co" + url
            yield Paper(title=title, abstract=abstract, url=url, date=_iso_date(date), sources=[f"{source}#{title[:40]}"])


def parse_html(text: str, source: str) -> Iterator[Paper]:
    """Dispatch on the page's kind: arXiv abstract, arXiv listing, else Hugging Face papers."""
    soup = BeautifulSoup(text, "html.parser")
    if soup.find("meta", attrs={"name": "citation_title"}) or soup.select_one("blockquote.abstract"):
        yield from _arxiv_abs(soup, source)
    elif soup.select_one("dl dt") and soup.select_one(".list-title"):
        yield from _arxiv_listing(soup, source)
    else:
        yield from _hf_papers(soup, source)
