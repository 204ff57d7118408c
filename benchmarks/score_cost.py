"""What entity scores cost: extraction with and without the CRF's marginals, in one process.

    python benchmarks/score_cost.py ../shared/datasets/msra/dev.tsv seeds/ --rounds 5

Each input (a gold TSV file, whose sentences are one document each, or a folder of text files)
is extracted through the whole path (normalization, the model, the rules) by one
``Extractor``, alternately with scores and with the scores' forward-backward left out (the
model's spans alone, score None); the model loads once and both runs tag the same batches.
Prints the CPU seconds of this process (its threads included: steadier than wall time on a
busy machine) of each round, the median ratio with/without, the share of the scored runs'
time spent in the scores' own code (forward-backward and span probabilities, timed inside the
same runs: the steadiest figure where other work shares the CPU), and checks that the entities
(all but their scores) are the same either way.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

import seedner.model.marginals as marginals
from seedner.api import Extractor
from seedner.bio import read_bio_tsv
from seedner.types import Document, DocumentResult


def documents(path: Path) -> list[Document]:
    if path.is_dir():
        return [Document(str(p), p.read_text(encoding="utf-8")) for p in sorted(path.glob("*.txt"))]
    return [Document(f"{path}:{i}", text) for i, (text, _) in enumerate(read_bio_tsv(path))]


def unscored(ner: Any) -> Any:
    """``ner.scored_spans`` as the model's spans with no score: no forward-backward."""

    def spans(texts: list[str], **kwargs: Any) -> list[list[tuple[int, int, str, None]]]:
        return [[(*span, None) for span in row] for row in ner.spans(texts, **kwargs)]

    return spans


class Timed:
    """A function that adds the CPU time of its calls to ``seconds``."""

    def __init__(self, function: Any) -> None:
        self.function = function
        self.seconds = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds += time.process_time() - started


def run(extractor: Extractor, docs: list[Document]) -> tuple[float, list[DocumentResult]]:
    started = time.process_time()
    results = list(extractor.iter_results(docs))
    return time.process_time() - started, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", type=Path, help="gold TSV files or text folders")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    extractor = Extractor()
    ner = extractor.ner
    scored = ner.scored_spans
    sums = marginals.forward_backward = Timed(marginals.forward_backward)  # type: ignore[assignment]
    spans = marginals.span_log_probabilities = Timed(marginals.span_log_probabilities)  # type: ignore[assignment]
    for path in args.inputs:
        docs = documents(path)
        chars = sum(len(d.text) for d in docs)
        run(extractor, docs)  # warm up: kernels compiled, caches filled
        ratios = []
        inside = total = 0.0
        for k in range(args.rounds):
            ner.scored_spans = unscored(ner)
            plain, without = run(extractor, docs)
            ner.scored_spans = scored
            before = sums.seconds + spans.seconds
            timed, with_scores = run(extractor, docs)
            inside += sums.seconds + spans.seconds - before
            total += timed
            ratios.append(timed / plain)
            print(f"{path}: round {k + 1}: without scores {plain:.2f} CPU s, with {timed:.2f}")
        same = all(
            [(e.text, e.norm, e.type, e.label, e.start, e.end) for e in a.entities]
            == [(e.text, e.norm, e.type, e.label, e.start, e.end) for e in b.entities]
            for a, b in zip(without, with_scores, strict=True)
        )
        entities = sum(len(r.entities) for r in with_scores)
        print(
            f"{path}: {len(docs):,} documents, {chars:,} characters, {entities:,} entities: "
            f"with ÷ without scores, median of {args.rounds}: {statistics.median(ratios):.3f} "
            f"({', '.join(f'{r:.3f}' for r in ratios)}); the scores' own code "
            f"{inside / total:.1%} of the scored runs' time; entities identical: {same}"
        )


if __name__ == "__main__":
    main()
