"""Model card text of the generalist embedded model, from its ``training.json``."""

from __future__ import annotations

import json
from pathlib import Path

_LAYERS = {1: "one", 2: "two", 3: "three"}


def generalist_card(out: Path, command: str, notes: str = "") -> str:
    """The card; ``notes`` (markdown: data and licences, evaluation, alternatives) is appended."""
    report = json.loads((out / "training.json").read_text(encoding="utf-8"))
    s = report["settings"]
    names = list(report["dev"])
    rows = "\n".join(
        f"| {e['epoch']} | {e['loss']:.3f} | "
        + " | ".join(f"{e['dev_f1'][n]:.4f}" for n in names)
        + f" | {e['mean_f1']:.4f} | {e['lr']:.5f} | {e['seconds']:.0f} |"
        for e in report["epochs"]
    )
    size_mb = (
        sum(
            (out / name).stat().st_size
            for name in ("model.safetensors", "model.pt", "vocab.json", "encoder.onnx")
            if (out / name).is_file()
        )
        / 1e6
    )
    layers = s.get("layers", 2)
    averaged = report.get("averaged")
    if averaged:
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
        average_line = f"* **Weight average of epochs {which}**: {scores} — " + (
            "**these weights** are that average."
            if averaged["kept"]
            else "below the best epoch's, so it was not kept."
        )
    else:
        average_line = ""
    averaged_kept = bool(averaged and averaged["kept"])
    corpora = ", ".join(
        f"{c['name']} ×{c['weight']:g} ({report['train_sentences'][c['name']]:,} sentences)"
        for c in report["corpora"]
    )
    return f"""# Model card: {out.name}

A character-level named entity recognizer for Chinese (PER, ORG, LOC), trained to be a
generalist: news, social media, web news and government pages. Character, character-bigram and
character-shape embeddings → {_LAYERS.get(layers, str(layers))} bidirectional GRU \
layer{"s" if layers > 1 else ""} of {s["hidden"]} (Baidu LAC's gate
formulation) → linear layer → CRF with BIO constraints. The character embeddings and the GRU
start from Baidu LAC-small's pretrained weights; the bigram and shape inputs start at zero
weight, so training begins from LAC's own network.

Saved as a HanLP component (`config.json` names the class): `hanlp.load(path)` returns a
`seedner.model.component.CharNER`. `model.safetensors` holds the weights in half precision;
`encoder.onnx` holds the BiGRU and output layer, which run on the CPU in OpenVINO (bfloat16,
where the CPU computes it natively) or ONNX Runtime (float32); embeddings and CRF are NumPy.

* Size on disk: {size_mb:.1f} MB (weights, ONNX encoder and vocabulary)
* Hyper-parameters: char {s["char_dim"]}, bigram {s["bigram_dim"]} (top {s["max_bigrams"]:,}
  bigrams seen ≥ {s["min_bigram"]} times), shape 8, dropout {s["dropout"]}, Adam lr {s["lr"]}
  (halved after an epoch without improvement), batches of ~{s["batch_chars"]} characters,
  gradient clipping 5, seed {s["seed"]}; a head per corpus during training, the shared output
  layer alone for {s["shared_only"]:.0%} of the sentences (and at inference).

## Training

```
{command}
```

* Corpora per epoch (share of each corpus's sentences sampled): {corpora}.
* Machine: {report.get("machine", "")}.
* Wall time: {report["seconds"] / 60:.1f} min; {report["stopped"]}.
* **Best mean dev F1: {report["best_mean_f1"]:.4f} at epoch {report["best_epoch"]}**{
        "" if averaged_kept else " — these weights"
    }.
{average_line}
* Dev F1 below: exact span, micro over PER/ORG/LOC, the model's own tags on the dev
  sentences (`seedner evaluate` scores the whole extraction path).

| epoch | loss / sentence | {" | ".join(names)} | mean | lr | seconds |
|---:|---:|{"---:|" * len(names)}---:|---:|---:|
{rows}

{notes}
"""
