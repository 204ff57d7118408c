"""A cheaper copy of a GRU model: inputs folded, layers narrowed, then distilled to its emissions.

A model that reads the lexicon concatenates 304 inputs per character: its embedding (128), two
bigram embeddings (2 × 64), its shape's (8) and the lexicon's 40 bits. The first layer only ever
sees them through linear maps, so the character's own 176 inputs can be mapped to 128 numbers
that carry nearly all of what the layer reads of them: 256 inputs instead of 304.

* :func:`fold` finds that map from the inputs' second moments on sample text: the rank-128
  approximation of the first layer's gate inputs that is best in mean squared error over the
  data (an SVD of the weights whitened by the inputs' covariance), with the inputs' mean
  restored through the bias. The map folds into the tables (character and shape embeddings, a
  40 × 128 lexicon projection), so the summed network (:class:`seedner.model.network.CharInputs`)
  computes it at no cost.
* :func:`prune_hidden` narrows each GRU layer to the units whose outputs vary most, weighted by
  the weights that read them.
* :func:`distill` trains the result to give the original's emissions on the same text (no
  labels).

What each step gave on the embedded model (dev F1, whole-process speed) is in its model card,
under alternatives: the fold alone keeps F1 but saves no measurable time in the whole process;
narrowing saves time and, distilled on the training text alone, loses F1.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from seedner.model.component import HYPERPARAMS, CharNER, tagging_batches

if TYPE_CHECKING:
    import torch

SAMPLE_BATCH_CHARS = 4_000


def second_moments(rows: Iterator[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance (float64) of the rows of the arrays ``rows`` yields."""
    total, outer, n = None, None, 0
    for block in rows:
        block = block.astype(np.float64)
        total = block.sum(0) if total is None else total + block.sum(0)
        outer = block.T @ block if outer is None else outer + block.T @ block
        n += len(block)
    assert total is not None and outer is not None and n
    mean = total / n
    return mean, outer / n - np.outer(mean, mean)


def data_weighted_low_rank(
    weight: np.ndarray, covariance: np.ndarray, rank: int
) -> tuple[np.ndarray, np.ndarray, float]:
    """``(left, right, kept)``: ``left`` (out, rank) and ``right`` (rank, in) such that
    ``left @ right @ d`` is the best rank-``rank`` estimate of ``weight @ d`` in mean squared
    error over inputs ``d`` of ``covariance``; ``kept``: the share of the output's variance
    the estimate keeps. Directions the inputs never take are dropped."""
    values, vectors = np.linalg.eigh(covariance)
    live = values > values.max() * 1e-9
    values, vectors = values[live], vectors[:, live]
    u, s, vt = np.linalg.svd(weight @ (vectors * np.sqrt(values)), full_matrices=False)
    kept = float((s[:rank] ** 2).sum() / (s**2).sum())
    return u[:, :rank] * s[:rank], vt[:rank] @ (vectors / np.sqrt(values)).T, kept


def sample_texts(paths: list[str], per_corpus: int, seed: int) -> list[str]:
    """Up to ``per_corpus`` sentences (long ones cut into chunks, as training does) of each
    ``CHAR<TAB>TAG`` corpus file, drawn with ``seed``; the tags are not read. ``PATH:N`` takes
    the drawn sentences N times (a small corpus given the weight training gave it)."""
    from seedner.model.corpora import chunked, read_sentences

    texts: list[str] = []
    for spec in paths:
        path, _, copies = spec.rpartition(":")
        if not (path and copies.isdigit()):
            path, copies = spec, "1"
        sentences = [text for text, _ in chunked(read_sentences(path))]
        random.Random(seed).shuffle(sentences)
        texts += sentences[:per_corpus] * int(copies)
    return texts


def own_inputs(ner: CharNER, texts: list[str]) -> Iterator[np.ndarray]:
    """The character's own inputs (embedding, bigrams left out, shape, lexicon) at each real
    position of ``texts``, as the concatenated model ``ner`` reads them, batch by batch."""
    runtime = ner.runtime
    assert runtime is not None
    char_dim = int(ner.config["char_dim"])
    bigram_end = char_dim + 2 * int(ner.config["bigram_dim"])
    for idx in tagging_batches(texts, SAMPLE_BATCH_CHARS):
        x, lengths = runtime.inputs([texts[i] for i in idx])
        real = np.arange(x.shape[1])[None, :] < lengths[:, None]
        yield x[real][:, np.r_[0:char_dim, bigram_end : x.shape[2]]]


def fold(ner: CharNER, texts: list[str]) -> tuple[CharNER, float]:
    """``(folded, kept)``: a copy of the concatenated GRU model ``ner`` (loaded for inference,
    float32) with summed inputs, its first layer's maps fitted on ``texts``; ``kept``: the
    share of the gate inputs' variance kept."""
    import torch

    from seedner.model.gru_network import CharBiGRUCRF

    teacher = ner.model
    assert isinstance(teacher, CharBiGRUCRF) and not teacher.summed
    assert ner.chars is not None and ner.bigrams is not None
    char_dim = teacher.char_embed.weight.shape[1]
    bigram_end = char_dim + 2 * teacher.bigram_embed.weight.shape[1]
    mean, covariance = second_moments(own_inputs(ner, texts))
    w_ih = teacher.gru.ih_weight[0].detach().double().numpy()  # (2, inputs, 3H)
    own = np.r_[0:char_dim, bigram_end : w_ih.shape[1]]
    gates = w_ih.shape[2]
    weight = np.concatenate([w_ih[0][own].T, w_ih[1][own].T])  # (2 × 3H, own inputs)
    left, right, kept = data_weighted_low_rank(weight, covariance, char_dim)
    # the mean of the inputs reaches the gates exactly, through the bias
    bias_shift = weight @ mean - left @ (right @ mean)

    hyper = {k: v for k, v in ner.config.items() if k in HYPERPARAMS and k != "shape_dim"}
    hyper["summed_inputs"] = True
    folded = CharNER.build(ner.chars, ner.bigrams, ner.labels, "gru", **hyper)
    folded.lexicon, folded.lexicon_entries = ner.lexicon, ner.lexicon_entries
    folded._source = ner._source  # the lexicon's entries and the calibration are read there
    student = folded.model
    assert isinstance(student, CharBiGRUCRF)
    state = {k: v for k, v in teacher.state_dict().items() if not k.startswith("heads.")}
    shape_dim = teacher.shape_embed.weight.shape[1]
    char_map = right[:, :char_dim].T
    shape_map = right[:, char_dim : char_dim + shape_dim].T

    def tensor(a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))

    state["char_embed.weight"] = tensor(state["char_embed.weight"].double().numpy() @ char_map)
    state["shape_embed.weight"] = tensor(state["shape_embed.weight"].double().numpy() @ shape_map)
    if teacher.lexicon_dim:
        state["lexicon_proj.weight"] = tensor(right[:, char_dim + shape_dim :])
    first = np.empty((2, bigram_end, gates))
    bias = teacher.gru.ih_bias[0].detach().double().numpy().copy()
    for d in range(2):
        first[d, :char_dim] = left[d * gates : (d + 1) * gates].T
        first[d, char_dim:] = w_ih[d, char_dim:bigram_end]
        bias[d] += bias_shift[d * gates : (d + 1) * gates]
    state["gru.ih_weight.0"] = tensor(first)
    state["gru.ih_bias.0"] = tensor(bias)
    student.load_state_dict(state)
    return folded, kept


def emission_loss(student: torch.Tensor, teacher: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over real positions of the KL divergence from the teacher's label distribution
    (softmax of its emissions) to the student's: what a CRF reads of emissions is their
    differences between labels, not their level, and the likely labels' most."""
    import torch.nn.functional as F

    target = F.log_softmax(teacher, dim=-1)
    divergence = F.kl_div(F.log_softmax(student, dim=-1), target, log_target=True, reduction="none")
    return (divergence.sum(-1) * mask).sum() / mask.sum()


def distill(
    student: CharNER,
    teacher: CharNER,
    texts: list[str],
    epochs: int,
    lr: float,
    batch_chars: int = 3_000,
    seed: int = 1,
    report: Callable[[str], None] = print,
    after_epoch: Callable[[list[dict[str, float]]], None] | None = None,
) -> list[dict[str, float]]:
    """Train ``student``'s network to give ``teacher``'s emissions (its ONNX encoder, float32)
    on ``texts``: :func:`emission_loss`, dropout off, Adam from ``lr`` falling
    linearly to a tenth. Returns each epoch's mean loss and seconds; ``after_epoch`` gets them
    so far after each epoch (to save the student, say)."""
    import torch

    model = student.model
    teacher_runtime = teacher.runtime
    assert model is not None and teacher_runtime is not None
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    batches = list(tagging_batches(texts, batch_chars))
    # the rate falls linearly to a tenth over the run: the last steps settle, not wander
    steps = max(1, epochs * len(batches))
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1 - 0.9 * step / steps)
    model.eval()  # the teacher's emissions are its inference ones
    history = []
    for epoch in range(1, epochs + 1):
        random.Random(seed + epoch).shuffle(batches)
        started, total, count = time.perf_counter(), 0.0, 0
        for idx in batches:
            batch_texts = [texts[i] for i in idx]
            target, _ = teacher_runtime.emissions(batch_texts)
            batch = student.tensorize(batch_texts)
            loss = emission_loss(student.emissions(batch), torch.from_numpy(target), batch["mask"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total, count = total + loss.item(), count + 1
        seconds = time.perf_counter() - started
        history.append({"epoch": epoch, "loss": total / count, "seconds": seconds})
        report(f"epoch {epoch}: loss {total / count:.5f} ({seconds:.0f} s)")
        if after_epoch is not None:
            after_epoch(history)
    return history


def unit_moments(ner: CharNER, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per GRU layer, the mean and standard deviation of each of its ``2 × hidden`` outputs
    (forward units, then backward) over the real positions of ``texts``."""
    import torch

    from seedner.model.gru_network import CharBiGRUCRF
    from seedner.model.network import reversal_order

    model = ner.model
    assert isinstance(model, CharBiGRUCRF)
    sums: list[list[np.ndarray]] = []
    count = 0
    with torch.no_grad():
        for idx in tagging_batches(texts, SAMPLE_BATCH_CHARS):
            batch = ner.tensorize([texts[i] for i in idx])
            x = model.features(
                batch["chars"], batch["bigrams"], batch["shapes"], batch.get("lexicon")
            )
            order = reversal_order(batch["lengths"], x.shape[1], x.device)
            mask = batch["mask"]
            count += int(mask.sum())
            for layer in range(len(model.gru.ih_weight)):
                x = model.gru._layer(x, order, layer)
                real = x[mask].double().numpy()
                if len(sums) <= layer:
                    sums.append([np.zeros(real.shape[1]), np.zeros(real.shape[1])])
                sums[layer][0] += real.sum(0)
                sums[layer][1] += (real**2).sum(0)
    return [
        (total / count, np.sqrt(np.maximum(squares / count - (total / count) ** 2, 0)))
        for total, squares in sums
    ]


def prune_hidden(ner: CharNER, texts: list[str], hidden: int) -> CharNER:
    """A copy of GRU model ``ner`` whose layers keep ``hidden`` units per direction: those
    whose outputs vary most on ``texts``, weighted by the size of the weights that read them
    (the next layer's or the output layer's, and their own direction's recurrent ones). A
    dropped unit's mean output is added to the biases that read it."""
    import torch

    from seedner.model.gru_network import CharBiGRUCRF

    model = ner.model
    assert isinstance(model, CharBiGRUCRF) and ner.chars is not None and ner.bigrams is not None
    state = {k: v.double() for k, v in model.state_dict().items() if not k.startswith("heads.")}
    old = model.gru.hidden
    layers = len(model.gru.ih_weight)
    moments = unit_moments(ner, texts)

    def gate_columns(units: np.ndarray) -> np.ndarray:
        return np.concatenate([units + g * old for g in range(3)])

    kept: list[np.ndarray] = []  # per layer, kept output indices (forward, then backward + H)
    for layer in range(layers):
        mean, std = moments[layer]
        if layer + 1 < layers:
            reader = state[f"gru.ih_weight.{layer + 1}"]  # (2, 2H, 3H)
            reading = (reader**2).sum(dim=(0, 2)).numpy()
        else:
            reading = (state["proj.weight"] ** 2).sum(dim=0).numpy()
        recurrent = (state[f"gru.hh_weight.{layer}"] ** 2).sum(dim=2).numpy().reshape(-1)
        score = std * np.sqrt(reading + recurrent)
        chosen = [np.sort(np.argsort(-score[d * old : (d + 1) * old])[:hidden]) for d in range(2)]
        kept.append(np.concatenate([chosen[0], chosen[1] + old]))
        dropped = np.setdiff1d(np.arange(2 * old), kept[-1])
        shift = torch.from_numpy(mean[dropped])
        # the dropped units' mean output, read by the next layer (or the output layer) ...
        if layer + 1 < layers:
            reader = state[f"gru.ih_weight.{layer + 1}"]
            read = torch.einsum("u,dug->dg", shift, reader[:, dropped])
            state[f"gru.ih_bias.{layer + 1}"] += read
        else:
            state["proj.bias"] += state["proj.weight"][:, dropped] @ shift
        # ... and by the reset and update gates of their own direction
        hh = state[f"gru.hh_weight.{layer}"]
        for d in range(2):
            mine = dropped[(dropped >= d * old) & (dropped < (d + 1) * old)] - d * old
            own_shift = torch.from_numpy(mean[mine + d * old])
            state[f"gru.ih_bias.{layer}"][d, : 2 * old] += own_shift @ hh[d, mine, : 2 * old]

    new_state = dict(state)
    for layer in range(layers):
        units = [kept[layer][:hidden], kept[layer][hidden:] - old]
        w_ih, w_hh = state[f"gru.ih_weight.{layer}"], state[f"gru.hh_weight.{layer}"]
        bias = state[f"gru.ih_bias.{layer}"]
        rows = slice(None) if layer == 0 else torch.from_numpy(kept[layer - 1])
        new_state[f"gru.ih_weight.{layer}"] = torch.stack(
            [w_ih[d][rows][:, gate_columns(units[d])] for d in range(2)]
        )
        new_state[f"gru.hh_weight.{layer}"] = torch.stack(
            [w_hh[d][units[d]][:, gate_columns(units[d])] for d in range(2)]
        )
        new_state[f"gru.ih_bias.{layer}"] = torch.stack(
            [bias[d][gate_columns(units[d])] for d in range(2)]
        )
    new_state["proj.weight"] = state["proj.weight"][:, kept[-1]]

    hyper = {k: v for k, v in ner.config.items() if k in HYPERPARAMS}
    hyper["hidden"] = hidden
    pruned = CharNER.build(ner.chars, ner.bigrams, ner.labels, "gru", **hyper)
    pruned.lexicon, pruned.lexicon_entries = ner.lexicon, ner.lexicon_entries
    pruned._source = ner._source
    assert pruned.model is not None
    pruned.model.load_state_dict({k: v.float() for k, v in new_state.items()})
    return pruned
