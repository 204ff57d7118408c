"""User dictionaries (``--dict FILE``, ``Extractor(dicts=...)``): names that are always, or
preferably, of a type, and false names that never are (:mod:`seedner.dicts.files` reads
them, :mod:`seedner.dicts.compiled` matches them, :mod:`seedner.rules.dictionary` applies
them to a document's mentions)."""

from seedner.dicts.compiled import Dictionary, load_dictionary
from seedner.dicts.files import DictionaryError

__all__ = ["Dictionary", "DictionaryError", "load_dictionary"]
