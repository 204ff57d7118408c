"""The model card (``MODEL_CARD.md``) written next to trained weights, from the run's
``training.json`` and ``config.json``: one writer for every recipe (``seedner train``'s BiLSTM,
the generalist, a fine-tuned model), put together from small pieces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from seedner.bio import label_types

CARD_FILE = "MODEL_CARD.md"
SIZE_FILES = ("model.safetensors", "model.pt", "vocab.json", "encoder.onnx", "lexicon.tsv.gz")
_COUNTS = {1: "one", 2: "two", 3: "three"}
# figures of an epoch → the epoch table's column heads (a dict of figures: one column each)
_HEADS = {"precision": "dev P", "recall": "dev R", "f1": "dev F1", "mean_f1": "mean"}
EMBEDDED_TERMS = (
    "* **Starting weights:** seedner's embedded model, which is for **research use only** "
    "(three of its\n  training corpora are; see its card), and so is this model."
)
DEV_NOTE = """\
The dev figures here score the model's own tags on the dev sentences as given; `seedner
evaluate` scores the whole extraction path (normalization, sentence splitting, offsets)."""
RUNTIME = """\
Saved as a HanLP component (`config.json` names the class): `hanlp.load(path)` returns a
`seedner.model.component.CharNER`. `model.safetensors` holds the weights in half precision;
`encoder.onnx` holds the BiGRU and output layer, which run on the CPU in OpenVINO (bfloat16,
where the CPU computes it natively) or ONNX Runtime (float32); embeddings and CRF are NumPy."""


def write_model_card(out_dir: str | Path, command: str, notes: str = "") -> Path:
    """Write the card of the model in ``out_dir``; ``notes`` (markdown: the data and its terms,
    evaluation …) close it."""
    out = Path(out_dir)
    path = out / CARD_FILE
    path.write_text(model_card(out, command, notes), encoding="utf-8")
    return path


def model_card(out: Path, command: str, notes: str = "") -> str:
    report = json.loads((out / "training.json").read_text(encoding="utf-8"))
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    if report.get("corpora"):
        parts = _generalist(out, report, command)
    elif "init" in report:
        parts = _finetuned(out, report, config, command)
    else:
        parts = _bilstm(out, report, command)
    if report.get("compression"):
        parts += _compression(report["compression"], config)
    return "\n\n".join([*parts, notes]) + "\n"


def _compression(compression: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """The fold into summed inputs, the narrowing and the distillation
    (``scripts/compress_model.py``)."""
    epochs = ", ".join(f"{e['loss']:.5f}" for e in compression["epochs"]) or "none"
    s = compression["settings"]
    seconds = sum(e["seconds"] for e in compression["epochs"]) / 60
    return [
        "## Compression",
        f"```\n{compression['command']}\n```",
        f"""\
* The weights trained above read 304 inputs per character, concatenated, into GRU layers of 128
  units per direction. Here they are made cheaper (`seedner.model.compression`), on
  {compression["sentences"]:,} training sentences ({compression["characters"]:,} characters;
  their text only, no labels):
  * **folded**: the character's own inputs (its embedding, shape and lexicon inputs: 176) become
    128 numbers added into one vector, so the first layer reads 256. The rank-128 map that best
    keeps the first layer's gate inputs keeps {compression["variance_kept"]:.4%} of their
    variance;
  * **narrowed** to {config["hidden"]} units per direction in each layer: those whose outputs
    vary most, weighted by the weights that read them; a dropped unit's mean output moves into
    the biases;
  * **distilled**: trained to give the original model's emissions on the same text (mean
    squared error, dropout off, Adam lr {s["lr"]} falling linearly to a tenth, seed
    {s["seed"]}, {len(compression["epochs"])} epochs in {seconds:.0f} min); loss per epoch:
    {epochs}. The CRF is the original model's, untouched.""",
    ]


# -- the recipes' cards ------------------------------------------------------------------------
def _bilstm(out: Path, report: dict[str, Any], command: str) -> list[str]:
    s = report["settings"]
    return [
        f"# Model card: {out.name}",
        f"""\
A character-level named entity recognizer for Chinese: character, character-bigram and
character-shape embeddings → one BiLSTM layer → linear-chain CRF with BIO constraints.
Saved as a HanLP component (`config.json` names the class), so `hanlp.load("{out.name}")`
returns a `seedner.model.component.CharNER`; weights are stored in half precision.""",
        f"""\
* Entity types: {", ".join(label_types(report["labels"]))}
* Size on disk: {_size(out)}
* Hyper-parameters: char {s["char_dim"]}, bigram {s["bigram_dim"]} (top {s["max_bigrams"]:,}
  bigrams seen ≥ {s["min_bigram"]} times), hidden {s["hidden"]} per direction,
  dropout {s["dropout"]},
  {_optimizer(s)}.""",
        "## Training",
        f"```\n{command}\n```",
        f"""\
* Data: {report["train_sentences"]:,} training sentences (`{report["train_path"]}`),
  {report["dev_sentences"]:,} dev sentences (`{report["dev_path"]}`).
{_run_lines(report)}
* **Best dev micro F1 (exact span): {report["best_f1"]:.4f} at epoch {report["best_epoch"]}** —
  these weights.""",
        _epoch_table(report["epochs"]),
        DEV_NOTE,
    ]


def _generalist(out: Path, report: dict[str, Any], command: str) -> list[str]:
    s = report["settings"]
    layers = s.get("layers", 2)
    averaged = report.get("averaged")
    kept = bool(averaged and averaged["kept"])
    mixed = report.get("interpolated")
    chunks = report.get("train_chunks") or report["train_sentences"]
    corpora = ", ".join(
        f"{c['name']} ×{c['weight']:g} ({report['train_sentences'][c['name']]:,} sentences, "
        f"{chunks[c['name']]:,} chunks)"
        for c in report["corpora"]
    )
    average = f"\n{_average_line(averaged, list(report['dev']))}" if averaged else ""
    start = (
        "Training goes on from a saved generalist (its vocabulary and weights; new corpus\n"
        "heads; the inputs it did not read start at zero weight)."
        if s.get("init")
        else "The character embeddings and the GRU\nstart from Baidu LAC-small's pretrained "
        "weights; the bigram and shape inputs start at zero\nweight, so training begins from "
        "LAC's own network."
        if s.get("lac")
        else "All weights start at random."
    )
    lexicon = (
        " and, per character, the words\nthat cover it (a lexicon input: jieba's dictionary and "
        "seedner's lists, by class and position)"
        if s.get("lexicon")
        else ""
    )
    return [
        f"# Model card: {out.name}",
        f"""\
A character-level named entity recognizer for Chinese (PER, ORG, LOC), trained to be a
generalist: news, social media, web news and government pages. Character, character-bigram and
character-shape embeddings{lexicon} → {_COUNTS.get(layers, str(layers))} bidirectional GRU \
layer{"s" if layers > 1 else ""} of {s["hidden"]} (Baidu LAC's gate
formulation) → linear layer → CRF with BIO constraints. {start}""",
        RUNTIME,
        f"""\
* Size on disk: {_size(out)}
* Hyper-parameters: char {s["char_dim"]}, bigram {s["bigram_dim"]} (top {s["max_bigrams"]:,}
  bigrams seen ≥ {s["min_bigram"]} times), shape 8, dropout {s["dropout"]}, Adam lr {s["lr"]}
  (halved after an epoch without improvement), batches of ~{s["batch_chars"]} characters,
  gradient clipping 5, seed {s["seed"]}; a head per corpus during training, the shared output
  layer alone for {s["shared_only"]:.0%} of the chunks (and at inference).""",
        "## Training",
        f"```\n{command}\n```",
        f"""\
* Corpora per epoch (sentences longer than 160 characters cut into chunks at punctuation
  outside entities; the weight is the share of each corpus's chunks sampled): {corpora}.{
            _partial_line(report)
        }
{_run_lines(report)}
* **Best mean dev F1: {report["best_mean_f1"]:.4f} at epoch {report["best_epoch"]}**{
            "" if kept or mixed else " — these weights"
        }.{average}{_mixed_line(mixed)}
* Dev F1 below: exact span, micro over PER/ORG/LOC, the model's own tags on the dev
  sentences (`seedner evaluate` scores the whole extraction path).""",
        _epoch_table(report["epochs"]),
    ]


def _mixed_line(mixed: dict[str, Any] | None) -> str:
    """The weights of a model interpolated with the one its training started from."""
    if not mixed:
        return ""
    alpha = mixed["alpha"]
    return (
        f"\n* **These weights**: {1 - alpha:g} × the starting model's + {alpha:g} × that epoch's "
        f"(`{mixed['command']}`)."
    )


def _partial_line(report: dict[str, Any]) -> str:
    """The partial labels of a run (docs/guidelines.md): open positions per corpus."""
    opened = report.get("open_positions")
    if not opened:
        return ""
    counts = ", ".join(f"{name} {count:,}" for name, count in opened.items())
    return (
        "\n* Partial labels (abbreviations a corpus leaves untagged are open: the CRF sums over "
        f"every tag there): {counts} open positions."
    )


def _finetuned(
    out: Path, report: dict[str, Any], config: dict[str, Any], command: str
) -> list[str]:
    s = report["settings"]
    init = report["init"]
    start = (
        "seedner's embedded generalist (trained on MSRA, People's Daily, CLUENER and Weibo from "
        "Baidu LAC-small's weights)"
        if init == "embedded"
        else f"the model in `{init}`"
    )
    onnx = (out / "encoder.onnx").is_file()
    types = label_types(report["labels"])
    return [
        f"# Model card: {out.name}",
        f"""\
A character-level named entity recognizer for Chinese ({", ".join(types)}):
{start},
fine-tuned on `{report["train_path"]}`.
The network ({_network(config)}), vocabulary and labels are the initial model's;
the training data's labels were mapped to its types.""",
        RUNTIME
        if onnx
        else "Saved as a HanLP component (`config.json` names the class); weights in half "
        "precision.",
        f"""\
* Size on disk: {_size(out)}
* Hyper-parameters: {_optimizer(s)}; sentences longer than 160 characters
  cut into chunks at punctuation outside entities.""",
        "## Training",
        f"```\n{command}\n```",
        f"""\
* Data: {report["train_sentences"]:,} training sentences ({report["train_chunks"]:,} chunks; \
`{report["train_path"]}`),
  {report["dev_sentences"]:,} dev sentences (`{report["dev_path"]}`).
{_run_lines(report)}
* **Best dev micro F1 (exact span): {report["best_f1"]:.4f} at epoch {report["best_epoch"]}** —
  these weights.""",
        _epoch_table(report["epochs"]),
        DEV_NOTE,
        "## Before and after fine-tuning",
        _before_after(report["before_after"]),
    ]


# -- pieces --------------------------------------------------------------------------------------
def _size(out: Path) -> str:
    size = sum((out / n).stat().st_size for n in SIZE_FILES if (out / n).is_file()) / 1e6
    if not (out / "encoder.onnx").is_file():
        return f"{size:.1f} MB (weights + vocabulary)"
    names = ["weights", "ONNX encoder", "vocabulary"]
    names += ["lexicon"] if (out / "lexicon.tsv.gz").is_file() else []
    return f"{size:.1f} MB ({', '.join(names[:-1])} and {names[-1]})"


def _optimizer(s: dict[str, Any]) -> str:
    return (
        f"Adam lr {s['lr']} (halved after an epoch without dev improvement), batches of\n"
        f"  ~{s['batch_chars']} characters, gradient clipping 5, seed {s['seed']}"
    )


def _network(config: dict[str, Any]) -> str:
    hidden = config.get("hidden")
    if config.get("network") == "gru":
        layers = config.get("layers", 2)
        return f"{_COUNTS.get(layers, layers)} bidirectional GRU layers of {hidden}, LAC's gates"
    return f"one BiLSTM layer of {hidden}"


def _run_lines(report: dict[str, Any]) -> str:
    return (
        f"* Machine: {report.get('machine', '')}.\n"
        f"* Wall time: {report['seconds'] / 60:.1f} min; {report['stopped']}."
    )


def _epoch_table(epochs: list[dict[str, Any]]) -> str:
    """Epoch, loss, the dev figures (each set's, for a dict of them), learning rate, seconds."""
    if not epochs:
        return "(no epoch finished)"
    keys = [k for k in epochs[0] if k not in ("epoch", "loss", "seconds", "lr")]
    heads: list[str] = []
    for key in keys:
        value = epochs[0][key]
        heads += list(value) if isinstance(value, dict) else [_HEADS.get(key, key)]

    def cells(e: dict[str, Any]) -> list[str]:
        out = []
        for key in keys:
            value = e[key]
            out += (
                [f"{v:.4f}" for v in value.values()]
                if isinstance(value, dict)
                else [f"{value:.4f}"]
            )
        return out

    lines = [
        "| epoch | loss / sentence | " + " | ".join(heads) + " | lr | seconds |",
        "|---:|---:|" + "---:|" * len(heads) + "---:|---:|",
    ]
    for e in epochs:
        row = [str(e["epoch"]), f"{e['loss']:.3f}", *cells(e), f"{e['lr']:.5f}"]
        row.append(f"{e['seconds']:.0f}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def _average_line(averaged: dict[str, Any], names: list[str]) -> str:
    epochs = averaged["epochs"]
    consecutive = len(epochs) > 2 and epochs == list(range(epochs[0], epochs[-1] + 1))
    which = f"{epochs[0]}–{epochs[-1]}" if consecutive else " and ".join(map(str, epochs))
    scores = (
        "dev "
        + ", ".join(f"{n} {averaged['dev_f1'][n]:.4f}" for n in names)
        + f", mean **{averaged['mean_f1']:.4f}**"
        if "dev_f1" in averaged
        else "not scored on dev here"
    )
    return f"* **Weight average of epochs {which}**: {scores} — " + (
        "**these weights** are that average."
        if averaged["kept"]
        else "below the best epoch's, so it was not kept."
    )


def _before_after(rows: list[dict[str, Any]]) -> str:
    lines = [
        "Exact-span micro F1 of the model's own tags: the initial model's and these weights', "
        "each as\nsaved and loaded again (float32). The first set picked the epoch; samples of "
        "other dev sets\n(evenly spaced sentences) show what fine-tuning forgot.",
        "",
        "| dev set | sentences | before | after |",
        "|---|---:|---:|---:|",
    ]
    for row in rows:
        kind = "model selection" if row["name"] == "dev" else "a sample"
        count = (
            f"{row['sentences']:,}"
            if row["sentences"] == row["of"]
            else f"{row['sentences']:,} of {row['of']:,}"
        )
        after = "–" if row["after"] is None else f"{row['after']:.4f}"
        lines.append(f"| `{row['path']}` ({kind}) | {count} | {row['before']:.4f} | {after} |")
    return "\n".join(lines)
