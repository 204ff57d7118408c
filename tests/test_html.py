"""The HTML page: escaping and highlighting, its structure on the seeds (keyboard reach, table
headers, scroll margins), then the real thing in a headless Chromium."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from seedner.cli import app
from seedner.io.html_view import escape_text, highlight, marked, render_page
from seedner.types import DocumentResult, Entity

from .helpers import SEEDS

runner = CliRunner()

# Untrusted text: markup, an event handler, quotes and ampersands, line ends of three kinds,
# bidi and zero-width controls, a BOM in mid-text, an astral character, C1 controls, an
# HTML comment and character references that must stay text.
HOSTILE = (
    "<script>alert(1)</script>国务院总理李鹏今天在北京会见了联合国秘书长。\r\n"
    "<img src=x onerror=\"document.title='pwned';alert(2)\">\"'&amp; &lt;b&gt; &#0; "
    "</div></section><script>document.title='pwned'</script><!-- -->\r"
    "上海\u202e市政府\u202c与\u200b华为公司\ufeff签约😀 e\u0301 \u0085\u2028\x80\x9f\x0c\t尾\n"
)


def test_escaped_text_has_no_markup_and_keeps_every_character() -> None:
    import html

    escaped = escape_text(HOSTILE)
    assert not set("<>\"'\r") & set(escaped)
    assert html.unescape(escaped) == HOSTILE


def test_highlight_nests_and_skips_crossing_spans() -> None:
    text = "中国科学院上海分院"
    entities = [
        Entity("中国科学院上海分院", None, "ORG", "ORG", 0, 9),
        Entity("中国", "中国", "LOC", "LOC", 0, 2),
        Entity("上海", "上海", "LOC", "LOC", 5, 7),
        Entity("海分", "海分", "PER", "PER", 6, 8),  # crosses 上海: left unmarked
    ]
    out = highlight(text, entities)
    assert out.count("<mark ") == 3 and out.count("</mark>") == 3
    assert 'data-type="PER"' not in out
    assert out.index('data-start="0" data-end="9"') < out.index('data-start="0" data-end="2"')
    assert [e.type for e in marked(entities)] == ["ORG", "LOC", "LOC"]
    with_ids = highlight(text, entities, "m7")
    assert re.findall(r'<mark id="([^"]+)"', with_ids) == ["m7-1", "m7-2", "m7-3"]
    assert "tabindex" not in with_ids


def test_page_is_self_contained() -> None:
    result = DocumentResult(
        "a<u>.txt", "李鹏在北京。", [Entity("李鹏", "李鹏", "PER", "PER", 0, 2)]
    )
    page = render_page([result])
    assert "<script" not in page and "src=" not in page and "url(" not in page
    assert "http://" not in page and "https://" not in page
    assert "default-src 'none'" in page
    assert "a&lt;u&gt;.txt" in page and "<u>" not in page


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, tag: str | None = None) -> list[Node]:
        """This node's descendants (not itself) in document order, those named ``tag`` only
        when given."""
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                if tag is None or child.tag == tag:
                    found.append(child)
                found.extend(child.iter(tag))
        return found

    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def inside(self, tag: str) -> Node | None:
        node = self.parent
        while node is not None and node.tag != tag:
            node = node.parent
        return node


class _TreeBuilder(HTMLParser):
    """Enough of an HTML tree for the page, whose markup is well nested."""

    VOID = frozenset({"meta", "br", "img", "input", "link", "hr", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.node = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.node)
        self.node.children.append(node)
        if tag not in self.VOID:
            self.node = node

    def handle_endtag(self, tag: str) -> None:
        assert self.node.tag == tag, f"</{tag}> closes <{self.node.tag}>"
        assert self.node.parent is not None
        self.node = self.node.parent

    def handle_data(self, data: str) -> None:
        self.node.children.append(data)


def _parse(page: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    assert builder.node is builder.root  # every element closed
    return builder.root


def _focusable(node: Node) -> bool:
    if "tabindex" in node.attrs or "contenteditable" in node.attrs:
        return True
    if node.tag in ("a", "area"):
        return "href" in node.attrs
    return node.tag in ("button", "input", "select", "textarea", "summary", "iframe")


def _tab_stops(root: Node) -> list[Node]:
    """Focusable elements that Tab reaches: not inside a closed <details> (but its summary)."""
    stops = []
    for node in root.iter():
        if not _focusable(node) or node.attrs.get("tabindex", "0").startswith("-"):
            continue
        details, hidden = node.inside("details"), False
        while details is not None:
            if "open" not in details.attrs and not (
                node.tag == "summary" and node.parent is details
            ):
                hidden = True
            details = details.inside("details")
        if not hidden:
            stops.append(node)
    return stops


@pytest.fixture(scope="module")
def seeds_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """``seedner extract seeds/ -f html -o page.html``, as text."""
    out = tmp_path_factory.mktemp("seeds_html") / "page.html"
    result = runner.invoke(app, ["extract", str(SEEDS), "-f", "html", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return out.read_text(encoding="utf-8")


def test_entities_are_not_tab_stops(seeds_page: str) -> None:
    root = _parse(seeds_page)
    docs = [s for s in root.iter("section") if "doc" in s.classes()]
    assert len(docs) == len(list(SEEDS.glob("*.txt")))
    marks = [m for doc in docs for m in doc.iter("mark")]
    assert len(marks) > 100
    for doc in docs:
        (text,) = [d for d in doc.iter("div") if "text" in d.classes()]
        assert not [n for n in text.iter() if _focusable(n)]
    assert "tabindex" not in seeds_page
    # Tab reaches two header links, each document's disclosure and the document list: no more
    stops = _tab_stops(root)
    assert len(stops) == 2 + 2 * len(docs)
    assert [s.attrs["href"] for s in stops[:2]] == ["#documents", "#corpus"]
    assert [s.tag for s in stops[2 : 2 + len(docs)]] == ["summary"] * len(docs)


def test_document_list_is_links_reached_from_the_top(seeds_page: str) -> None:
    root = _parse(seeds_page)
    docs = [s for s in root.iter("section") if "doc" in s.classes()]
    (nav,) = root.iter("nav")
    assert nav.attrs["id"] == "documents"
    (header,) = root.iter("header")
    assert header.iter("a")[0].attrs["href"] == "#documents"  # before all the documents
    entries = nav.iter("li")
    assert len(entries) == len(docs)
    for entry, doc in zip(entries, docs):
        (link,) = entry.iter("a")
        assert link.attrs["href"] == f"#{doc.attrs['id']}"
        assert link.text() == doc.iter("h2")[0].text()


def test_each_document_lists_its_mentions_as_links(seeds_page: str) -> None:
    root = _parse(seeds_page)
    for doc in (s for s in root.iter("section") if "doc" in s.classes()):
        (details,) = doc.iter("details")
        assert "open" not in details.attrs  # closed: its links are no tab stops until opened
        (summary,) = details.iter("summary")
        marks = doc.iter("mark")
        assert summary.text() == f"Go to a mention ({len(marks)})"
        targets = {m.attrs["id"]: m for m in marks}
        assert len(targets) == len(marks)
        links = details.iter("a")
        assert sorted(a.attrs["href"] for a in links) == sorted(f"#{i}" for i in targets)
        for a in links:
            mark = targets[a.attrs["href"][1:]]
            assert a.text() == mark.text()
            row = a.parent
            assert row is not None and row.iter("b")[0].text() == mark.attrs["data-type"]


def _css_rules(page: str) -> dict[str, str]:
    """Selector -> declarations of every rule naming it in the page's style (those inside an
    @media block included)."""
    (style,) = re.findall(r"<style>(.*?)</style>", page, re.S)
    rules: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", style):
        for selector in selectors.split(","):
            rules[selector.strip()] = rules.get(selector.strip(), "") + ";" + body
    return rules


def test_jump_targets_clear_the_sticky_header(seeds_page: str) -> None:
    rules = _css_rules(seeds_page)
    assert "position:sticky" in rules["header"]
    for target in ("section.doc", "#corpus", "mark"):
        (margin,) = re.findall(r"scroll-margin-top:([\d.]+)rem", rules[target])
        assert float(margin) >= 3  # the header is about 3rem tall
    assert "content:attr(data-tip)" in rules["mark:target::after"]  # a followed link shows it


def test_every_table_column_has_a_header(seeds_page: str) -> None:
    root = _parse(seeds_page)
    tables = root.iter("table")
    assert len(tables) >= 5  # top entities per type, dates by month, people named together
    assert any("Named in the same documents" in t.parent.text() for t in tables if t.parent)
    for table in tables:
        head, *rows = table.iter("tr")
        cells = [c for c in head.children if isinstance(c, Node)]
        assert cells and all(c.tag == "th" for c in cells)
        for th in cells:
            assert th.text().strip(), "empty column header"
            assert th.attrs.get("scope") == "col"
        width = sum(int(th.attrs.get("colspan", "1")) for th in cells)
        assert rows and all(len(r.iter("td")) == width and not r.iter("th") for r in rows)
    assert "<th></th>" not in seeds_page


def _browser() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        pytest.skip("no Chromium here: apt-get install chromium chromium-driver (as .ci/run does)")
    pytest.importorskip("selenium", reason="selenium is in the test extra: pip install -e .[test]")
    return chromium, driver


@pytest.fixture(scope="module")
def page(
    tmp_path_factory: pytest.TempPathFactory, seed_jsonl: list[dict]
) -> tuple[Path, list[dict], dict[str, str]]:
    """A page from the seeds plus a hostile document, with the JSONL results of the same inputs
    (the seeds' from conftest's seed_jsonl)."""
    _browser()
    folder = tmp_path_factory.mktemp("html")
    hostile = folder / "hostile <b>&amp;.txt"
    hostile.write_bytes(HOSTILE.encode("utf-8"))
    inputs = [str(SEEDS), str(hostile)]
    out = folder / "page.html"
    result = runner.invoke(app, ["extract", *inputs, "-f", "html", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    hostile_run = runner.invoke(app, ["extract", str(hostile), "-f", "jsonl"])
    assert hostile_run.exit_code == 0, hostile_run.stderr
    records = [*seed_jsonl, *(orjson.loads(line) for line in hostile_run.stdout.splitlines())]
    texts = {str(p): p.read_bytes().decode("utf-8") for p in [*SEEDS.glob("*.txt"), hostile]}
    return out, records, texts


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    chromium, driver_path = _browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    yield driver
    driver.quit()


_READ_DOM = """
return {
  title: document.title,
  scripts: document.scripts.length,
  images: document.images.length,
  handlers: [...document.querySelectorAll('*')].filter(
      el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
  navLinks: [...document.querySelectorAll('nav a')].map(a => a.getAttribute('href')),
  focusableInText: [...document.querySelectorAll('.text *')].filter(el => el.tabIndex >= 0).length,
  docs: [...document.querySelectorAll('section.doc')].map(s => ({
    id: s.id,
    name: s.querySelector('h2').textContent,
    text: s.querySelector('.text').textContent,
    marks: [...s.querySelectorAll('.text mark')].map(m => [
      m.dataset.type, Number(m.dataset.start), Number(m.dataset.end), m.textContent,
      m.className, m.getAttribute('title')]),
  })),
};
"""


def test_page_in_chromium(page: tuple[Path, list[dict], dict[str, str]], browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.common.exceptions import NoAlertPresentException

    path, records, texts = page
    browser.get(path.as_uri())
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018 - reading it raises when no alert is open
    dom = browser.execute_script(_READ_DOM)
    assert dom["title"] == "seedner"  # no handler rewrote it
    assert dom["scripts"] == dom["images"] == dom["handlers"] == 0
    assert len(dom["docs"]) == len(records) == 6
    assert dom["navLinks"] == [f"#{d['id']}" for d in dom["docs"]]
    assert dom["focusableInText"] == 0
    for doc, record in zip(dom["docs"], records):
        text = texts[record["id"]]
        assert doc["name"] == record["id"]
        assert doc["text"] == text  # every character, line ends included, as text
        assert len(doc["marks"]) == len(record["entities"]) > 0
        marks = sorted(doc["marks"], key=lambda m: (m[1], m[2]))  # nested ones: outer first
        for (kind, start, end, shown, classes, title), e in zip(marks, record["entities"]):
            assert (kind, start, end, shown) == (e["type"], e["start"], e["end"], e["text"])
            assert shown == text[start:end]
            assert f"e-{kind}" in classes.split()
            assert title.startswith(f"{kind} · ") and f"{start}–{end}" in title
    hostile = dom["docs"][-1]
    assert ("PER", "李鹏") in {(m[0], m[3]) for m in hostile["marks"]}


_ACTIVE = """
const a = document.activeElement;
return [a.tagName.toLowerCase(), a.getAttribute('href') || a.textContent.slice(0, 30)];
"""

_BELOW_HEADER = """
const header = document.querySelector('header').getBoundingClientRect();
const box = document.querySelector(arguments[0]).getBoundingClientRect();
return [box.top - header.bottom, window.innerHeight - box.bottom];
"""


def _press(browser, *keys: str) -> list[str]:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).send_keys(*keys).perform()
    return browser.execute_script(_ACTIVE)


def test_keyboard_tab_stops(page, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.keys import Keys

    path, records, _ = page
    browser.get(path.as_uri())
    stops = []
    for _ in range(100):
        active = _press(browser, Keys.TAB)
        if stops and (active == stops[0] or active[0] == "body"):  # round the page
            break
        stops.append(active)
    docs = len(records)
    assert stops[:2] == [["a", "#documents"], ["a", "#corpus"]]
    assert [tag for tag, _ in stops[2 : 2 + docs]] == ["summary"] * docs
    assert stops[2 + docs :] == [["a", f"#doc-{i}"] for i in range(1, docs + 1)]

    # the first link leads to the document list: the next Tab is in it
    browser.get(path.as_uri())
    _press(browser, Keys.TAB)
    assert _press(browser, Keys.ENTER, Keys.TAB) == ["a", "#doc-1"]


def test_chosen_document_shows_below_the_header(page, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.keys import Keys

    path, records, _ = page
    for width in (700, 1280):  # narrow, the header wraps: it must not hide the heading either
        browser.set_window_size(width, 900)
        browser.get(path.as_uri())
        for i in range(1, len(records) + 1):
            link = f'nav a[href="#doc-{i}"]'
            browser.execute_script(f"document.querySelector('{link}').focus()")
            _press(browser, Keys.ENTER)
            assert browser.execute_script("return location.hash") == f"#doc-{i}"
            above, below = browser.execute_script(_BELOW_HEADER, f"#doc-{i} h2")
            assert above > 0 and below > 0, (width, i)  # in view, not under the header


def test_mention_link_shows_the_entity(page, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.keys import Keys

    path, _, _ = page
    browser.get(path.as_uri())
    browser.execute_script("document.querySelector('#doc-2 summary').focus()")
    tag, href = _press(browser, Keys.ENTER, Keys.TAB)  # open the list, go to its first link
    assert tag == "a" and href.startswith("#m2-")
    _press(browser, Keys.ENTER)
    mark = browser.execute_script(
        "const m = document.querySelector(':target');"
        "return [m.tagName, m.id, m.dataset.type, getComputedStyle(m, '::after').content];"
    )
    assert mark[:2] == ["MARK", href[1:]]
    assert mark[3].startswith(f'"{mark[2]} · ') and f"label {mark[2]}" in mark[3]
    above, below = browser.execute_script(_BELOW_HEADER, href)
    assert above > 0 and below > 0
