"""``seedner evaluate``: precision, recall and F1 of a model on a gold file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from seedner.cli.common import DeviceOption, ModelOption, usage_error

if TYPE_CHECKING:
    from seedner.scoring import Scores


def evaluate_command(
    gold: Annotated[
        Path,
        typer.Argument(
            help="Gold file: character BIO TSV (CHAR<TAB>TAG) or JSON Lines with entities."
        ),
    ],
    model: ModelOption = "embedded",
    types: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--types", "-t", help="Score only these types (default: the types in the gold file)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    device: DeviceOption = None,
    min_score: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(
            "--min-score", metavar="P", help="As extract's: drop the model's entities below P."
        ),
    ] = None,
) -> None:
    """Score a model on gold annotations (exact span match), per type and micro-averaged."""
    from seedner.evaluation import GoldError, evaluate_file
    from seedner.loading import ModelError

    try:
        scores = evaluate_file(gold, model=model, types=types, device=device, min_score=min_score)
    except (GoldError, ModelError, ValueError) as exc:
        raise usage_error(str(exc)) from None
    if as_json:
        import orjson

        sys.stdout.buffer.write(orjson.dumps(scores.to_dict(), option=orjson.OPT_INDENT_2))
        sys.stdout.write("\n")
    else:
        format_scores(scores, str(gold))


def format_scores(scores: Scores, title: str) -> None:
    """The score table, on stdout."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    console = Console()
    # A line of its own, not the table's title: that wraps to the table's width, mid-phrase.
    details = f"{scores.documents} documents, exact span match"
    heading = f"{title}: {details}"
    if cell_len(heading) > console.width:
        heading = f"{title}:\n{details}"
    console.print(heading, markup=False, highlight=False, soft_wrap=True)
    table = Table()
    for column in ("type", "precision", "recall", "F1", "gold", "predicted"):
        table.add_column(column, justify="left" if column == "type" else "right")
    rows = [*scores.per_type.items(), ("micro", scores.micro)]
    for name, s in rows:
        table.add_row(
            name,
            f"{s.precision:.4f}",
            f"{s.recall:.4f}",
            f"{s.f1:.4f}",
            str(s.n_gold),
            str(s.n_pred),
            style="bold" if name == "micro" else None,
        )
    console.print(table)
    if scores.calibration is not None:
        c = scores.calibration
        console.print(
            f"{c['scored']:,} predicted entities with a score; expected calibration error"
            f" {c['ece']:.4f} ({c['bins']} bins)",
            markup=False,
            highlight=False,
        )
