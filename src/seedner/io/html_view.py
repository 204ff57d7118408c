"""One self-contained HTML page showing every document with its entities highlighted.

The page loads nothing (no script, no external style, font or image) and forbids both with a
Content-Security-Policy, so nothing in a document can run or call out. Document text is
untrusted: every character goes through :func:`escape_text`, which leaves no markup and keeps
the text exactly — the DOM ``textContent`` of a document's text block equals the original
(a ``\\r`` is written as ``&#13;`` because HTML parsing folds raw CR/CRLF into LF). The one
exception is U+0000, which HTML cannot carry at all: it is shown as U+FFFD.

The page is written as results arrive (:class:`HtmlSink`); only the document list and the
corpus counts wait for the end, and CSS places them before the documents (links at the top of
the page reach them first from the keyboard).

Entity marks are not focusable, so tabbing through a page of many documents stops only at the
links to the document list and corpus, one disclosure per document and the document list.
A document's disclosure lists its mentions as links; following one scrolls to the mark and
shows its details (CSS ``:target``), as hovering it does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import IO

from seedner.summary import CorpusSummary, entity_key
from seedner.types import ENTITY_TYPES, DocumentResult, Entity

__all__ = ["TYPE_COLOURS", "HtmlSink", "escape_text", "render_page"]

TYPE_NAMES = {"PER": "people", "ORG": "organizations", "LOC": "places", "DATE": "dates"}
# background, underline: the same hues as the terminal tables (cyan, magenta, green, yellow)
TYPE_COLOURS = {
    "PER": ("#cdeefc", "#0b86b8"),
    "ORG": ("#f7d6f4", "#a5279b"),
    "LOC": ("#d4f3cf", "#2f8a22"),
    "DATE": ("#fdefb2", "#a87d00"),
}

_TEXT_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&#39;",
        "\r": "&#13;",  # a raw CR would become LF when parsed
        "\0": "\ufffd",  # HTML drops a raw NUL and maps &#0; to U+FFFD: say so visibly
    }
)


def escape_text(text: str) -> str:
    """Text or attribute value as HTML: no character can start markup or end an attribute."""
    return text.translate(_TEXT_ESCAPES)


def _style() -> str:
    # A narrow window wraps the header taller than the targets' scroll margin: there it scrolls
    # away instead of sticking.
    marks = "\n".join(
        f".e-{kind}{{background:{bg};border-bottom:2px solid {fg}}}"
        f" .k-{kind}{{background:{bg};border-color:{fg}}}"
        f" .bar-{kind}{{background:{fg}}}"
        for kind, (bg, fg) in TYPE_COLOURS.items()
    )
    return (
        """
:root{font-family:system-ui,"Noto Sans CJK SC","Source Han Sans SC",sans-serif;color:#1d2430}
body{margin:0;display:grid;grid-template-columns:19rem minmax(0,1fr);
 grid-template-areas:"head head" "nav corpus" "nav docs";background:#f4f5f7}
header{grid-area:head;display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap;
 padding:.6rem 1.2rem;background:#1d2430;color:#fff;position:sticky;top:0;z-index:2}
header h1{font-size:1.1rem;margin:0}
header a{color:#fff}
.legend{display:flex;gap:.6rem;flex-wrap:wrap;margin:0;padding:0;list-style:none}
.key{padding:.05rem .5rem;border-radius:.25rem;border-bottom:2px solid;color:#1d2430}
nav{grid-area:nav;position:sticky;top:3rem;align-self:start;max-height:calc(100vh - 3.5rem);
 overflow:auto;padding:1rem;font-size:.8rem}
nav ol{padding-left:1.4rem;margin:.4rem 0}
nav li{margin:.3rem 0;overflow-wrap:anywhere}
nav a{color:#1d4f91}
#corpus{grid-area:corpus}
main{grid-area:docs;min-width:0}
section.doc,#corpus{scroll-margin-top:3.5rem}
section{background:#fff;margin:1rem;padding:1rem 1.2rem;border-radius:.4rem;
 box-shadow:0 1px 3px #0002}
h2{font-size:1rem;margin:0 0 .4rem;overflow-wrap:anywhere}
h3{font-size:.9rem;margin:.8rem 0 .3rem}
.counts{color:#555;font-size:.85rem;margin:0 0 .5rem}
.found{font-size:.85rem;margin:.2rem 0}
.found b{display:inline-block;min-width:2.6rem}
.jump{font-size:.85rem;margin:.3rem 0}
.jump summary{cursor:pointer;color:#1d4f91}
.jump a{display:inline-block;color:#1d2430;margin-right:.4rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.9;unicode-bidi:isolate;
 border-top:1px solid #e3e5e8;padding-top:.6rem;margin-top:.6rem}
mark{position:relative;color:inherit;border-radius:.15rem;padding:0 .05rem;
 unicode-bidi:isolate;cursor:help;scroll-margin-top:6rem}
mark:hover,mark:target{outline:2px solid #1d2430;outline-offset:1px}
mark:hover::after,mark:target::after{content:attr(data-tip);position:absolute;left:0;
 top:1.7em;z-index:3;background:#1d2430;color:#fff;font-size:.75rem;line-height:1.4;
 white-space:pre;padding:.2rem .45rem;border-radius:.25rem}
table{border-collapse:collapse;font-size:.85rem;margin:.2rem 0}
td,th{padding:.15rem .6rem;text-align:left;border-bottom:1px solid #eceef1}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.tops{display:flex;flex-wrap:wrap;gap:.4rem 2rem;align-items:flex-start}
.tops h3{margin-top:.2rem}
.bar{display:inline-block;height:.7rem;vertical-align:middle}
@media (max-width:60em){header{position:static}nav{top:0;max-height:100vh}}
"""
        + marks
    )


def _legend() -> str:
    keys = "".join(
        f'<li><span class="key k-{kind}">{kind}</span> {TYPE_NAMES[kind]}</li>'
        for kind in ENTITY_TYPES
    )
    return f'<ul class="legend" aria-label="entity types">{keys}</ul>'


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _tip(e: Entity) -> str:
    norm = e.norm if e.norm is not None else "(no norm)"
    score = f" · score {e.score:.2f}" if e.score is not None else ""
    return f"{e.type} · {norm}\nlabel {e.label} · {e.start}–{e.end} · {e.source}{score}"


def _score_attribute(e: Entity) -> str:
    return f' data-score="{e.score}"' if e.score is not None else ""


def marked(entities: Iterable[Entity]) -> list[Entity]:
    """The entities that get a mark, in text order (outer before inner): all but empty spans
    and a span that crosses the end of the one enclosing it (models here never produce one)."""
    kept: list[Entity] = []
    open_ends: list[int] = []
    for e in sorted(entities, key=lambda e: (e.start, -e.end)):
        while open_ends and open_ends[-1] <= e.start:
            open_ends.pop()
        if e.end <= e.start or (open_ends and e.end > open_ends[-1]):
            continue
        kept.append(e)
        open_ends.append(e.end)
    return kept


def highlight(text: str, entities: Iterable[Entity], ids: str | None = None) -> str:
    """The escaped text with each of :func:`marked` entities in a ``<mark>``, nested ones
    nesting; with ``ids``, the n-th mark (from 1) has the id ``{ids}-{n}``."""
    out: list[str] = []
    pos = 0
    open_ends: list[int] = []
    for n, e in enumerate(marked(entities), 1):
        while open_ends and open_ends[-1] <= e.start:
            out.append(escape_text(text[pos : open_ends[-1]]) + "</mark>")
            pos = open_ends.pop()
        out.append(escape_text(text[pos : e.start]))
        kind, tip = escape_text(e.type), escape_text(_tip(e))
        norm = escape_text(e.norm) if e.norm is not None else ""
        anchor = f' id="{ids}-{n}"' if ids is not None else ""
        out.append(
            f'<mark{anchor} class="e e-{kind}" data-type="{kind}" data-norm="{norm}"'
            f' data-label="{escape_text(e.label)}" data-start="{e.start}" data-end="{e.end}"'
            f' data-source="{escape_text(e.source)}"{_score_attribute(e)}'
            f' title="{tip}" data-tip="{tip}">'
        )
        pos = e.start
        open_ends.append(e.end)
    while open_ends:
        out.append(escape_text(text[pos : open_ends[-1]]) + "</mark>")
        pos = open_ends.pop()
    out.append(escape_text(text[pos:]))
    return "".join(out)


def _jump(text: str, entities: list[Entity], ids: str) -> str:
    """A closed disclosure listing a document's marks (``entities`` from :func:`marked`) by
    type, in text order, each a link to its mark; closed, its links are not tab stops."""
    if not entities:
        return ""
    rows = []
    for kind in ENTITY_TYPES:
        links = " ".join(
            f'<a href="#{ids}-{n}">{escape_text(text[e.start : e.end])}</a>'
            for n, e in enumerate(entities, 1)
            if e.type == kind
        )
        if links:
            rows.append(f'<p class="found"><b class="key k-{kind}">{kind}</b> {links}</p>')
    return (
        f'<details class="jump"><summary>Go to a mention ({len(entities):,})</summary>'
        f"{''.join(rows)}</details>"
    )


def _found(result: DocumentResult) -> str:
    """Per-document summary: each type's entities by mentions."""
    counts: Counter[tuple[str, str]] = Counter(entity_key(e) for e in result.entities)
    rows = []
    for kind in ENTITY_TYPES:
        items = sorted(((n, k[1]) for k, n in counts.items() if k[0] == kind), key=lambda x: -x[0])
        if items:
            listed = "、".join(escape_text(norm) + (f" ×{n}" if n > 1 else "") for n, norm in items)
            rows.append(f'<p class="found"><b class="key k-{kind}">{kind}</b> {listed}</p>')
    return "".join(rows)


class HtmlSink:
    """Writes the page to ``stream`` a document at a time; :meth:`finish` closes it."""

    def __init__(self, stream: IO[str], top: int = 10, title: str = "seedner") -> None:
        self.stream = stream
        self.top = top
        self.summary = CorpusSummary()
        self.listed: list[tuple[str, int]] = []  # (id, mentions) for the document list
        stream.write(
            '<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
            '<meta http-equiv="Content-Security-Policy" '
            "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
            '<meta name="referrer" content="no-referrer">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape_text(title)}</title>\n<style>{_style()}</style>\n</head>\n<body>\n"
            f"<header><h1>{escape_text(title)}</h1>{_legend()}"
            '<a href="#documents">Document list</a><a href="#corpus">Corpus</a></header>\n'
            "<main>\n"
        )

    def write(self, result: DocumentResult) -> None:
        n = len(self.listed) + 1
        self.listed.append((str(result.id), len(result.entities)))
        self.summary.add(result)
        marks = marked(result.entities)
        self.stream.write(
            f'<section class="doc" id="doc-{n}">'
            f"<h2>{escape_text(str(result.id))}</h2>"
            f'<p class="counts">{len(result.text):,} characters, '
            f"{len(result.entities):,} mentions</p>{_found(result)}"
            f"{_jump(result.text, marks, f'm{n}')}"
            f'<div class="text" lang="zh">{highlight(result.text, marks, f"m{n}")}</div>'
            "</section>\n"
        )
        self.stream.flush()

    def finish(self) -> None:
        items = "".join(
            f'<li><a href="#doc-{i}">{escape_text(doc_id)}</a> <small>({count})</small></li>'
            for i, (doc_id, count) in enumerate(self.listed, 1)
        )
        self.stream.write(
            '</main>\n<nav id="documents" aria-label="documents">'
            f"<b>{_count(len(self.listed), 'document')}</b><ol>{items}</ol></nav>\n"
            f"{self._corpus()}\n</body>\n</html>\n"
        )
        self.stream.flush()

    def _corpus(self) -> str:
        s = self.summary
        totals = s.type_mentions()
        head = ", ".join(f"{totals[k]:,} {k}" for k in s.types)
        tops = []
        for kind in s.types:
            rows = "".join(
                f"<tr><td>{escape_text(e.norm)}</td><td class=n>{e.mentions}</td>"
                f"<td class=n>{e.documents}</td></tr>"
                for e in s.top(kind, self.top)
            )
            if rows:
                tops.append(
                    f'<table><tr><th scope="col"><span class="key k-{kind}">{kind}</span></th>'
                    f'<th scope="col">mentions</th><th scope="col">documents</th></tr>'
                    f"{rows}</table>"
                )
        parts = [
            f'<section id="corpus"><h2>Corpus: {_count(s.documents, "document")}</h2>'
            f'<p class="counts">{head} mentions</p><div class="tops">{"".join(tops)}'
        ]
        timeline = s.timeline()
        if timeline:
            peak = max(m.mentions for m in timeline)
            rows = "".join(
                f"<tr><td>{m.month}</td><td class=n>{m.mentions}</td><td>"
                f'<span class="bar bar-DATE" style="width:{12 * m.mentions / peak:.2f}rem">'
                "</span></td></tr>"
                for m in timeline
            )
            parts.append(
                '<div><h3>Dates by month</h3><table><tr><th scope="col">month</th>'
                f'<th scope="col" colspan="2">mentions</th></tr>{rows}</table></div>'
            )
        pairs = s.pairs(self.top)
        if pairs:
            rows = "".join(
                f'<tr><td><span class="key k-{p.first[0]}">{escape_text(p.first[1])}</span></td>'
                f'<td><span class="key k-{p.second[0]}">{escape_text(p.second[1])}</span></td>'
                f"<td class=n>{p.documents}</td></tr>"
                for p in pairs
            )
            parts.append(
                "<div><h3>Named in the same documents</h3>"
                '<table><tr><th scope="col">person</th><th scope="col">named with</th>'
                f'<th scope="col">documents</th></tr>{rows}</table></div>'
            )
        parts.append("</div>")
        if s.years_only:
            years = ", ".join(f"{y} ({n})" for y, n in sorted(s.years_only.items()))
            parts.append(f'<p class="counts">Dates known to the year only: {years}</p>')
        parts.append("</section>")
        return "".join(parts)


def render_page(results: Iterable[DocumentResult], top: int = 10) -> str:
    """The whole page as a string (for a few documents; the CLI streams with HtmlSink)."""
    import io

    buffer = io.StringIO()
    sink = HtmlSink(buffer, top=top)
    for result in results:
        sink.write(result)
    sink.finish()
    return buffer.getvalue()
