"""The HTML page: escaping and highlighting, then the real thing in a headless Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from seedner.cli import app
from seedner.html_view import escape_text, highlight, render_page
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


def test_page_is_self_contained() -> None:
    result = DocumentResult(
        "a<u>.txt", "李鹏在北京。", [Entity("李鹏", "李鹏", "PER", "PER", 0, 2)]
    )
    page = render_page([result])
    assert "<script" not in page and "src=" not in page and "url(" not in page
    assert "http://" not in page and "https://" not in page
    assert "default-src 'none'" in page
    assert "a&lt;u&gt;.txt" in page and "<u>" not in page


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


def test_entity_details_show_on_focus(page, browser) -> None:  # type: ignore[no-untyped-def]
    path, _, _ = page
    browser.get(path.as_uri())
    tip = browser.execute_script(
        "const m = document.querySelector('mark[data-type=PER]'); m.focus();"
        "return [document.activeElement === m, getComputedStyle(m, '::after').content];"
    )
    assert tip[0] is True
    assert tip[1].startswith('"PER · ') and "label PER" in tip[1]
