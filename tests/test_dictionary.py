"""User dictionaries on frozen mentions: reading the files (TSV, JSON Lines), folding the
entries as the model's text is, the modes and their precedence, bad files and duplicates."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from seedner.dicts import Dictionary, DictionaryError, load_dictionary
from seedner.dicts.compiled import TYPE_NAMES
from seedner.dicts.files import fold_pattern
from seedner.rules.dictionary import apply_dictionary
from seedner.rules.postprocess import postprocess
from seedner.run.options import ExtractOptions
from seedner.text.normalize import fold_text, normalize
from seedner.text.spans import Mention


def dictionary(tmp_path: Path, text: str, name: str = "d.tsv") -> Dictionary:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_dictionary([str(path)])


def spans(text: str, mentions: list[Mention]) -> list[tuple[str, str, str]]:
    return sorted((text[m.start : m.end], m.type, m.source) for m in mentions)


# 上海科学院区块链技术研究所 is one ORG to the model (seed 000)
TEXT = "由上海科学院区块链技术研究所承办，上海科学院院长出席。"
MODEL = [Mention(1, 14, "ORG", "ORG"), Mention(17, 20, "LOC", "LOC")]  # 上海科学院区块链…, 上海科


def model_mentions() -> list[Mention]:
    return [Mention(m.start, m.end, m.type, m.label) for m in MODEL]


def test_force_splits_a_model_span_and_keeps_what_lies_outside(tmp_path: Path) -> None:
    d = dictionary(tmp_path, "上海科学院\tORG\tforce\n")
    out = apply_dictionary(TEXT, model_mentions(), d)
    assert spans(TEXT, out) == [
        ("上海科学院", "ORG", "dict"),
        ("上海科学院", "ORG", "dict"),
        ("区块链技术研究所", "ORG", "model"),  # the rest of the model's span
    ]  # 上海科 lay inside the second occurrence: dropped


def test_force_cuts_a_crossing_span_back_and_drops_a_piece_of_one_character(
    tmp_path: Path,
) -> None:
    text = "张三丰和李四同来。"
    d = dictionary(tmp_path, "张三\tPER\tforce\n丰和李\tORG\tforce\n")
    # 丰和李 (longer) is placed first; 张三 touches it without overlapping
    out = apply_dictionary(text, [Mention(0, 3, "PER", "PER"), Mention(4, 6, "PER", "PER")], d)
    assert spans(text, out) == [("丰和李", "ORG", "dict"), ("张三", "PER", "dict")]  # 四 too short


def test_prefer_fills_gaps_and_retypes_an_equal_span_but_never_splits(tmp_path: Path) -> None:
    d = dictionary(tmp_path, "上海科学院\tORG\n院长\tPER\tprefer\n上海科\tORG\n")
    out = apply_dictionary(TEXT, model_mentions(), d)
    assert spans(TEXT, out) == [
        ("上海科", "ORG", "dict"),  # the model's LOC span, retyped
        ("上海科学院区块链技术研究所", "ORG", "model"),  # not split
        ("院长", "PER", "dict"),  # a gap
    ]
    retyped = next(m for m in out if m.start == 17)
    assert (retyped.label, retyped.norm) == ("ORG", None)


def test_block_drops_exact_spans_of_its_type_only(tmp_path: Path) -> None:
    d = dictionary(tmp_path, "上海科\tLOC\tblock\n上海科学院区块链技术研究所\tPER\tblock\n")
    out = apply_dictionary(TEXT, model_mentions(), d)
    assert spans(TEXT, out) == [("上海科学院区块链技术研究所", "ORG", "model")]
    d = dictionary(tmp_path, "上海科学\t*\tblock\n", "any.tsv")
    assert len(apply_dictionary(TEXT, model_mentions(), d)) == 2  # no exact span: nothing


def test_precedence_block_force_prefer_then_longer_earlier_later(tmp_path: Path) -> None:
    text = "甲乙丙丁戊"
    d = dictionary(
        tmp_path,
        "甲乙丙丁\tORG\tprefer\n乙丙\tPER\tforce\n丙丁\tLOC\tforce\n丁戊\tLOC\tforce\n"
        "丁戊\tORG\tforce\n甲乙\tPER\tblock\n甲乙\tPER\tforce\n",
    )
    out = apply_dictionary(text, [], d)
    # force beats the longer prefer; 乙丙 (earlier) beats 丙丁; the later 丁戊 entry wins;
    # 甲乙 is blocked as PER even though a later line forces it
    assert spans(text, out) == [("丁戊", "ORG", "dict"), ("乙丙", "PER", "dict")]
    assert (d.duplicates, d.conflicts) == (0, 2)  # 丁戊 twice; 甲乙 blocked, then forced


def test_later_file_wins(tmp_path: Path) -> None:
    (tmp_path / "a.tsv").write_text("万钢\tORG\n", encoding="utf-8")
    (tmp_path / "b.tsv").write_text("萬鋼\tPER\tprefer\t万钢\n", encoding="utf-8")
    d = load_dictionary([str(tmp_path / "a.tsv"), str(tmp_path / "b.tsv")])
    text = "主席万钢说"
    (m,) = apply_dictionary(text, [], d)
    assert (text[m.start : m.end], m.type, m.norm) == ("万钢", "PER", "万钢")
    assert "1 conflicting entry" in (d.warning() or "")
    d = load_dictionary([str(tmp_path / "b.tsv"), str(tmp_path / "a.tsv")])
    assert apply_dictionary(text, [], d)[0].type == "ORG"


def test_entries_are_folded_as_the_models_text(tmp_path: Path) -> None:
    d = dictionary(tmp_path, "萬鋼\tPER\nＧ６０科創走廊\tLOC\n李 鹏\tPER\n周\u200b济\tPER\n")
    original = "萬鋼、G60科创走廊、李\u00a0 鹏、周济。"
    norm = normalize(original)
    out = apply_dictionary(norm.text, [], d)
    found = {norm.original[slice(*norm.span_to_original(m.start, m.end))] for m in out}
    assert found == {"萬鋼", "G60科创走廊", "李\u00a0 鹏", "周济"}


def test_a_regex_is_folded_character_by_character() -> None:
    assert fold_pattern("（[國家]+）") == r"\([国家]+\)"
    assert fold_pattern("a+b") == "a+b"


def test_json_lines_with_regex_and_ids(tmp_path: Path) -> None:
    d = dictionary(
        tmp_path,
        "# comment\n"
        '{"pattern": "市委[^，。]{2,6}处", "type": "ORG", "mode": "force", "regex": true}\n'
        '{"pattern": "科管院", "type": "ORG", "id": "上海科技管理干部學院"}\n\n',
        "d.jsonl",
    )
    text = "市委办公厅督查处与科管院"
    out = sorted(apply_dictionary(text, [Mention(0, 5, "ORG", "ORG")], d), key=lambda m: m.start)
    assert [(text[m.start : m.end], m.source, m.norm) for m in out] == [
        ("市委办公厅督查处", "dict", None),
        ("科管院", "dict", "上海科技管理干部学院"),  # ids are folded too
    ]


def test_content_decides_the_format_without_the_extension(tmp_path: Path) -> None:
    d = dictionary(tmp_path, '{"pattern": "李鹏", "type": "PER"}\n', "names.txt")
    assert len(apply_dictionary("李鹏说", [], d)) == 1


def test_blocked_names_never_come_back_through_consistency(tmp_path: Path) -> None:
    # 张伟 typed PER once (next to a title) and LOC once: consistency would make every
    # mention PER and find the third; blocked as PER, it is no person anywhere
    text = "主席张伟出席会议。张伟说，张伟的家乡很美。"
    mentions = [Mention(2, 4, "PER", "PER"), Mention(9, 11, "LOC", "LOC")]
    d = dictionary(tmp_path, "张伟\tPER\tblock\n")
    out = postprocess(text, mentions, dictionary=d)
    assert {m.type for m in out} == {"LOC"} and len(out) == 3
    assert {m.source for m in out} == {"model", "rule"}


def test_preferred_entries_fill_the_gaps_left_after_consistency(tmp_path: Path) -> None:
    text = "吴雪尘出席。吴雪说，吴雪尘和吴雪。"
    mentions = [Mention(0, 3, "PER", "PER"), Mention(6, 8, "LOC", "LOC")]
    d = dictionary(tmp_path, "吴雪\tORG\tprefer\n")
    out = postprocess(text, mentions, dictionary=d)
    # 吴雪 at 6 is the model's span, retyped; at 10 the model's name was found first (a
    # preferred entry fills gaps after the consistency rule); at 14 a gap
    assert spans(text, out) == [
        ("吴雪", "ORG", "dict"),
        ("吴雪", "ORG", "dict"),
        ("吴雪尘", "PER", "model"),
        ("吴雪尘", "PER", "rule"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "cause"),
    [
        ("type.tsv", "李鹏\tPER\n张三\tPERSON\n", "2: unknown type 'PERSON'"),
        ("fields.tsv", "# names\n李鹏\n", "2: expected surface<TAB>TYPE"),
        ("many.tsv", "李鹏\tPER\tforce\tid\textra\n", "1: expected surface<TAB>TYPE"),
        ("mode.tsv", "李鹏\tPER\talways\n", "1: unknown mode 'always'"),
        ("empty.tsv", "\n \tPER\n", "2: empty surface"),
        ("any.tsv", "李鹏\t*\tforce\n", "1: a force entry needs a type"),
        ("regex.jsonl", '{"pattern": "李(鹏", "type": "PER", "regex": true}\n', "1: bad regular"),
        ("star.jsonl", '{"pattern": "x*", "type": "PER", "regex": true}\n', "1: the regular"),
        ("json.jsonl", '{"pattern": "李鹏", "type": "PER"}\n{"pattern": \n', "2: malformed JSON"),
        ("key.jsonl", '{"pattern": "李鹏", "typ": "PER"}\n', "1: unknown field 'typ'"),
        ("none.jsonl", '{"type": "PER"}\n', "1: no pattern"),
        ("blank.jsonl", '{"pattern": " ", "type": "PER"}\n', "1: empty surface"),
    ],
)
def test_a_bad_entry_is_one_error_naming_file_and_line(
    tmp_path: Path, name: str, content: str, cause: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DictionaryError) as error:
        load_dictionary([str(path)])
    message = str(error.value)
    assert message.startswith(f"{path}:{cause}"), message
    assert "\n" not in message
    assert isinstance(error.value, ValueError)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(DictionaryError, match=r"missing\.tsv: cannot read the dictionary \(no "):
        load_dictionary([str(tmp_path / "missing.tsv")])
    with pytest.raises(DictionaryError, match=r": cannot read the dictionary \(is a directory\)"):
        load_dictionary([str(tmp_path)])
    (tmp_path / "gbk.tsv").write_bytes("李鹏\tPER\n".encode() + "张三\tPER\n".encode("gbk"))
    with pytest.raises(DictionaryError, match=r"gbk\.tsv:2: not UTF-8"):
        load_dictionary([str(tmp_path / "gbk.tsv")])


def test_duplicates_and_conflicts_load_with_one_warning(tmp_path: Path) -> None:
    path = tmp_path / "d.tsv"
    path.write_text("李鹏\tPER\n张三\tPER\n李鹏\tPER\n张三\tORG\n李 鹏\tPER\n", encoding="utf-8")
    warnings: list[str] = []
    options = ExtractOptions.parse(dicts=[path], on_warning=warnings.append)
    assert options.dicts == (str(path.resolve()),)
    (line,) = warnings
    assert line.startswith("--dict: 2 duplicate entries and 1 conflicting entry")
    assert line.endswith(f"the first at {path}:3")
    d = load_dictionary(options.dicts)
    assert [(m.type) for m in apply_dictionary("张三", [], d)] == ["ORG"]


def test_options_carry_the_paths_and_pickle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "d.tsv").write_text("李鹏\tPER\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    options = ExtractOptions.parse(dicts="d.tsv")
    assert options.dicts == (str(tmp_path / "d.tsv"),)  # absolute: workers may start elsewhere
    assert pickle.loads(pickle.dumps(options)) == options
    assert hash(options) == hash(pickle.loads(pickle.dumps(options)))
    with pytest.raises(DictionaryError, match=r"^nowhere\.tsv: cannot read"):  # as given
        ExtractOptions.parse(dicts=["d.tsv", "nowhere.tsv"])


def test_a_file_changed_on_disk_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "d.tsv"
    path.write_text("李鹏\tPER\n", encoding="utf-8")
    first = load_dictionary([str(path)])
    assert load_dictionary([str(path)]) is first
    path.write_text("李鹏\tORG\n张三\tPER\n", encoding="utf-8")
    assert len(load_dictionary([str(path)])) == 2


def test_uncommon_lines_read_as_common_ones(tmp_path: Path) -> None:
    # most lines are read with array operations; these, line by line, with the same result
    d = dictionary(
        tmp_path,
        "# names\n  \n张三\tPER\n 李四\tPER\n王五\tper\tForce\n赵六\tLOC\tforce\t赵六(id)\n"
        "钱 七\tORG\tblock\n孙八\tPER\t\n周\u200b九\tPER\tprefer\n",
    )
    text = "张三李四王五赵六钱七孙八周九"
    found = [(text[m[0] : m[1]], TYPE_NAMES[m[2]], m[3], d.norm(m[5])) for m in d.matches(text)]
    assert found == [
        ("张三", "PER", 2, None),
        ("李四", "PER", 2, None),
        ("王五", "PER", 1, None),
        ("赵六", "LOC", 1, "赵六(id)"),
        ("孙八", "PER", 2, None),
        ("周九", "PER", 2, None),
    ]
    assert d.is_blocked("钱七", "ORG") and not d.is_blocked("钱七", "PER")
    assert len(d) == 7 and d.warning() is None


def test_a_large_dictionary_matches_every_surface_once(tmp_path: Path) -> None:
    names = [
        f"{chr(0x4E00 + i % 500)}{chr(0x4E00 + i // 500)}{'院' * (i % 3)}" for i in range(20000)
    ]
    names = list(dict.fromkeys(map(fold_text, names)))  # traditional characters fold
    d = dictionary(tmp_path, "".join(f"{n}\tORG\n" for n in names) + f"{names[7]}\tORG\n")
    assert (len(d), d.duplicates, d.conflicts) == (len(names) + 1, 1, 0)
    for name in names[::997]:
        assert [(m[0], m[1]) for m in d.matches(name) if m[1] - m[0] == len(name)] == [
            (0, len(name))
        ]
