"""Reading inputs: files, folders, JSON Lines records, stdin, and errors that name their input."""

from __future__ import annotations

import io
from pathlib import Path

from seedner.io.sources import iter_documents

from .helpers import SEEDS


def _collect(inputs: list[str], **kwargs: object) -> tuple[list, list[str]]:
    errors: list[str] = []
    docs = list(iter_documents(inputs, on_error=errors.append, **kwargs))  # type: ignore[arg-type]
    return docs, errors


def test_folder_is_walked_for_txt_files_in_order() -> None:
    docs, errors = _collect([str(SEEDS)])
    assert errors == []
    assert [Path(str(d.id)).name for d in docs] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert all(d.text == Path(str(d.id)).read_text(encoding="utf-8") for d in docs)


def test_nested_folders_and_glob(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.md").write_text("上海", encoding="utf-8")
    (tmp_path / "a" / "y.txt").write_text("北京", encoding="utf-8")
    docs, _ = _collect([str(tmp_path)], glob="*.md")
    assert [d.text for d in docs] == ["上海"]


def test_jsonl_records_keep_ids_and_report_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(
        '{"id": "a", "text": "李鹏在北京。", "date": "2023-05-06", "source": "x"}\n'
        "\n"
        "{not json\n"
        '{"id": 7}\n'
        '{"id": 8, "text": "上海"}\n',
        encoding="utf-8",
    )
    docs, errors = _collect([str(path)])
    assert [(d.id, d.text) for d in docs] == [("a", "李鹏在北京。"), (8, "上海")]
    assert docs[0].meta == {"date": "2023-05-06", "source": "x"}
    assert len(errors) == 2
    assert errors[0].startswith(f"{path}:3: malformed JSON")
    assert errors[1] == f'{path}:4: record has no "text" string'


def test_missing_path_and_empty_folder_are_reported_and_others_still_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    docs, errors = _collect(
        [str(tmp_path / "nope.txt"), str(empty), str(SEEDS / "000_7010a327d54ec02f.txt")]
    )
    assert len(docs) == 1
    assert errors == [
        f"{tmp_path / 'nope.txt'}: no such file or directory",
        f"{empty}: no files matching '*.txt' in this directory",
    ]


def test_stdin_as_text_and_as_jsonl() -> None:
    text = "国务院总理李鹏今天在北京。"
    docs, _ = _collect(["-"], stdin=io.BytesIO(text.encode("gb18030")))
    assert [(d.id, d.text) for d in docs] == [("-", text)]
    records = '{"id": "r1", "text": "上海"}\n{"id": "r2", "text": "北京"}\n'.encode()
    docs, _ = _collect(["-"], input_format="jsonl", stdin=io.BytesIO(records))
    assert [d.id for d in docs] == ["r1", "r2"]
