"""The model card written next to trained weights, from the run's ``training.json``."""

from __future__ import annotations

import json
from pathlib import Path

from seedner.bio import label_types
from seedner.model.weights import weights_path

CARD_FILE = "MODEL_CARD.md"

MSRA_TERMS = """\
* **MSRA NER** (SIGHAN 2006 bakeoff 3, Microsoft Research Asia), the widely used 45,000-sentence
  character-BIO version. Training used `msra/train.tsv` (42,000 sentences); model selection used
  only `msra/dev.tsv` (3,000 sentences carved out of the original training file: sentence *i*
  goes to dev when `i % 15 == 14`). The test split was never used.
* **Terms:** the corpus was distributed for the SIGHAN 2006 bakeoff as a **research-use** corpus
  and no licence grants more; this model is derived from it, so treat the model as
  **research-use only** as well. Reference: Levow, *The Third International Chinese Language
  Processing Bakeoff* (SIGHAN 2006)."""


def write_model_card(out_dir: str | Path, command: str, data: str = "") -> Path:
    out = Path(out_dir)
    report = json.loads((out / "training.json").read_text(encoding="utf-8"))
    s = report["settings"]
    weights = weights_path(out)
    size_mb = (weights.stat().st_size if weights else 0) / 1e6 + (
        out / "vocab.json"
    ).stat().st_size / 1e6
    rows = "\n".join(
        f"| {e['epoch']} | {e['loss']:.3f} | {e['precision']:.4f} | {e['recall']:.4f} | "
        f"{e['f1']:.4f} | {e['lr']:.5f} | {e['seconds']:.0f} |"
        for e in report["epochs"]
    )
    types = label_types(report["labels"])
    text = f"""# Model card: {out.name}

A character-level named entity recognizer for Chinese: character, character-bigram and
character-shape embeddings → one BiLSTM layer → linear-chain CRF with BIO constraints.
Saved as a HanLP component (`config.json` names the class), so `hanlp.load("{out.name}")`
returns a `seedner.model.component.CharNER`; weights are stored in half precision.

* Entity types: {", ".join(types)}
* Size on disk: {size_mb:.1f} MB (weights + vocabulary)
* Hyper-parameters: char {s["char_dim"]}, bigram {s["bigram_dim"]} (top {s["max_bigrams"]:,}
  bigrams seen ≥ {s["min_bigram"]} times), hidden {s["hidden"]} per direction,
  dropout {s["dropout"]},
  Adam lr {s["lr"]} (halved after an epoch without dev improvement), batches of
  ~{s["batch_chars"]} characters, gradient clipping 5, seed {s["seed"]}.

## Training

```
{command}
```

* Data: {report["train_sentences"]:,} training sentences (`{report["train_path"]}`),
  {report["dev_sentences"]:,} dev sentences (`{report["dev_path"]}`).
* Machine: {report.get("machine", "")}.
* Wall time: {report["seconds"] / 60:.1f} min; {report["stopped"]}.
* **Best dev micro F1 (exact span): {report["best_f1"]:.4f} at epoch {report["best_epoch"]}** —
  these weights.

| epoch | loss / sentence | dev P | dev R | dev F1 | lr | seconds |
|---:|---:|---:|---:|---:|---:|---:|
{rows}

The dev figures here score the model's own tags on the dev sentences as given; `seedner
evaluate` scores the whole extraction path (normalization, sentence splitting, offsets).

## Data
{data or "See the training data's own documentation for its terms."}
"""
    path = out / CARD_FILE
    path.write_text(text, encoding="utf-8")
    return path


def write_generalist_card(out_dir: str | Path, command: str, notes: str = "") -> Path:
    """The card of a model from :mod:`seedner.model.generalist`; ``notes``: markdown appended
    (evaluation, alternatives tried)."""
    from seedner.model.generalist_card import generalist_card

    out = Path(out_dir)
    path = out / CARD_FILE
    path.write_text(generalist_card(out, command, notes), encoding="utf-8")
    return path
