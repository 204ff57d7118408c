"""``seedner evaluate``: precision, recall and F1 of a model on a gold file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from seedner.cli.common import DeviceOption, ModelOption, usage_error


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
) -> None:
    """Score a model on gold annotations (exact span match), per type and micro-averaged."""
    from seedner.evaluation import GoldError, evaluate_file, format_scores
    from seedner.models import ModelError

    try:
        scores = evaluate_file(gold, model=model, types=types, device=device)
    except (GoldError, ModelError, ValueError) as exc:
        raise usage_error(str(exc)) from None
    if as_json:
        import orjson

        sys.stdout.buffer.write(orjson.dumps(scores.to_dict(), option=orjson.OPT_INDENT_2))
        sys.stdout.write("\n")
    else:
        format_scores(scores, str(gold))
