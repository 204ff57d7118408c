"""``seedner models``: the models ``--model`` can name, and which are on this machine."""

from __future__ import annotations

import sys
from typing import Annotated

import typer


def human_size(size: int | None) -> str:
    if size is None:
        return "unknown"
    for unit in ("B", "KB", "MB"):
        if size < 1000:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    return f"{size:.1f} GB"


KINDS = {"mtl": "HanLP multi-task model", "ner": "HanLP NER model"}


def models_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List the NER models: the embedded one and HanLP's pretrained ones (fetched on first use)."""
    from seedner.loading.hanlp_cache import hanlp_home
    from seedner.loading.status import model_statuses

    rows = model_statuses()
    if as_json:
        import orjson

        data = {"hanlp_home": str(hanlp_home()), "models": [r.to_dict() for r in rows]}
        sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(soft_wrap=True, highlight=False)
    widths = (max(len(r.name) for r in rows) + 2, 18, 10, 19, 6)
    header = ("name", "types", "size", "licence", "here", "path")
    console.print(
        Text("".join(h.ljust(w) for h, w in zip(header, widths)) + header[-1], style="bold")
    )
    for r in rows:
        licence = "research use only" if r.licence.startswith("research") else r.licence
        cells = (
            r.name,
            " ".join(r.types),
            human_size(r.size_bytes),
            licence,
            "yes" if r.present else "no",
        )
        line = Text()
        for i, (cell, width) in enumerate(zip(cells, widths)):
            last = i == len(cells) - 1
            style = "bold cyan" if i == 0 else ("green" if r.present else "dim") if last else ""
            line.append(cell if last and not r.present else cell.ljust(width), style=style)
        if r.present:
            line.append(r.path, style="green")
        console.print(line)
        detail = f"  = {r.hanlp_id}, {KINDS.get(r.kind, r.kind)}; labels {r.labels}"
        if r.licence != licence:
            detail += f"; {r.licence}"
        if r.note:
            detail += f"; {r.note}"
        console.print(Text(detail, style="dim"))
    console.print(
        f"\nPretrained models download on first use into HanLP's cache, HANLP_HOME={hanlp_home()}, "
        "to the path `seedner models --json` shows (an ELECTRA model also fetches its "
        "transformer's config and tokenizer); sizes are known once a model is here. "
        "A multi-task model uses ner/msra unless asked otherwise, e.g. "
        "--model electra-small@ner/ontonotes. Any folder holding a saved HanLP component "
        "(e.g. from `seedner train`) works as --model too."
    )
