"""What the commands share: usage errors, option parsing and how help shows options
(:class:`seedner.run.progress.ErrorLog` reports input errors)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

# Options that several commands share.
ModelOption = Annotated[
    str,
    typer.Option(
        metavar="MODEL",
        help="embedded, a HanLP pretrained model (`seedner models`) or a model folder.",
    ),
]
DeviceOption = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional here
    typer.Option(metavar="DEVICE", help="auto, cpu, cuda or cuda:N."),
]


def usage_error(message: str) -> typer.Exit:
    """Print a usage error and return the exit (status 2) to raise."""
    sys.stderr.write(f"seedner: error: {message}\n")
    return typer.Exit(2)


# typer labels values by Python type (<str>, <int range>, <table|csv>); help shows these instead.
_METAVARS = {"str": "TEXT", "int": "N", "float": "NUMBER", "path": "PATH", "file": "FILE"}


class _Argument(TyperArgument):
    """An argument shown by its metavar alone (``INPUTS...``), not also by a Python type."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        name = self.metavar or ""
        repeat = "..." if name.endswith("...") else ""
        name = name.removesuffix("...")
        return [(name if self.required else f"[{name}]") + repeat]


def _tidied(params: list[Any], ctx: Any) -> list[Any]:
    """``params`` with the metavars that help shows: none for flags, else TEXT, N, PATH, [a|b]."""
    for param in params:
        if isinstance(param, TyperArgument) and not isinstance(param, _Argument):
            name = param.metavar or (param.name or "").upper()
            param.metavar = name + ("..." if param.nargs != 1 else "")
            param.__class__ = _Argument  # typer makes the parameters itself: there is no hook
        elif isinstance(param, TyperOption) and param.metavar is None:
            if param.is_flag or param.count:
                param.metavar = ""
                continue
            label = param.display_type(ctx).strip("<>").removesuffix(" range")
            many = label.startswith("list[")
            label = label.removeprefix("list[").removesuffix("]")
            label = f"[{label}]" if "|" in label else _METAVARS.get(label, label.upper())
            param.metavar = label + ("..." if many or param.nargs != 1 else "")
    return params


def _one_line(message: str) -> str:
    """A click message as the tail of ``seedner: error: ...``: one line, lower-case start."""
    text = " ".join(message.replace(": Value error, ", ": ").split()).rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


class Command(TyperCommand):
    """A command whose help shows plain metavars."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _tidied(super().get_params(ctx), ctx)


class Group(TyperGroup):
    """The ``seedner`` group: plain metavars, and usage errors as one ``seedner: error:`` line."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _tidied(super().get_params(ctx), ctx)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        extra["windows_expand_args"] = windows_expand_args
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            # Not standalone: click's errors come here instead of being drawn in a box.
            status = super().main(args, prog_name, complete_var, False, **extra)
        except typer.TyperException as exc:  # click's UsageError and ClickException
            if type(exc).__name__ == "NoArgsIsHelpError":  # its help is printed already
                sys.exit(exc.exit_code)
            sys.stderr.write(f"seedner: error: {_one_line(exc.format_message())}\n")
            sys.exit(exc.exit_code)
        except typer.Abort:
            sys.stderr.write("seedner: error: aborted\n")
            sys.exit(1)
        # A typer.Exit's code, or what the command returned (None: success).
        sys.exit(status if isinstance(status, int) else 0)
