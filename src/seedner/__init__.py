"""seedner: people, organizations, places and dates from Chinese documents.

>>> import seedner
>>> result = seedner.extract("李鹏在北京会见了联合国秘书长。")
>>> [(e.text, e.type) for e in result.entities]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seedner.types import Document, DocumentResult, Entity

__version__ = "0.1.0"
__all__ = ["Document", "DocumentResult", "Entity", "Extractor", "__version__", "extract"]

if TYPE_CHECKING:
    from seedner.api import Extractor
    from seedner.run.batch import extract


def __getattr__(name: str) -> Any:
    # the model and HanLP load only when extraction is asked for
    if name == "Extractor":
        from seedner.api import Extractor

        return Extractor
    if name == "extract":
        from seedner.run.batch import extract

        return extract
    raise AttributeError(name)
