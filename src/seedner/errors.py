"""The base of seedner's own errors: a one-line message that names the input and the cause."""

from __future__ import annotations


class SeednerError(Exception):
    """Something seedner can explain in one line (bad input, missing model, bad options).

    The CLI prints the message without a traceback; the Python API raises it.
    """


class ModelError(SeednerError):
    """A model cannot be found, fetched or loaded; the message says which, why and what to do."""
