"""A linear-chain CRF over batch-first emissions, with BIO transition constraints.

HanLP 2.1.5's RNN tagger builds its CRF as ``CRF(n_out, crf_constraints)``, but the second
parameter of ``hanlp.layers.crf.crf.CRF`` is ``batch_first``: with the default
``crf_constraints=None`` the layer reads the tagger's batch-first emissions as time-first,
so training optimizes the wrong sequences and decoding returns paths as long as the batch.
This one is written for ``(batch, time, tags)`` and is tested against brute-force
enumeration.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

NEG = -1e4


def bio_constraints(labels: list[str]) -> torch.Tensor:
    """Additive penalties (tags+1 start row) forbidding transitions BIO does not allow.

    Row ``n`` (the last) stands for the sentence start. ``I-X`` may only follow ``B-X``
    or ``I-X``.
    """
    n = len(labels)
    allowed = torch.zeros(n + 1, n)
    for j, to in enumerate(labels):
        if not to.startswith("I-"):
            continue
        kind = to[2:]
        for i in range(n + 1):
            frm = labels[i] if i < n else "O"
            if frm[2:] != kind or frm == "O":
                allowed[i, j] = NEG
    return allowed


class CRF(nn.Module):
    def __init__(self, labels: list[str]) -> None:
        super().__init__()
        n = len(labels)
        self.transitions = nn.Parameter(torch.zeros(n, n))  # [from, to]
        self.start = nn.Parameter(torch.zeros(n))
        self.end = nn.Parameter(torch.zeros(n))
        penalty = bio_constraints(labels)
        self.register_buffer("trans_penalty", penalty[:n], persistent=False)
        self.register_buffer("start_penalty", penalty[n], persistent=False)

    def _trans(self) -> torch.Tensor:
        return self.transitions + self.trans_penalty

    def _start(self) -> torch.Tensor:
        return self.start + self.start_penalty

    def nll(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Sum over the batch of -log p(tags | emissions). ``mask[:, 0]`` must be all true."""
        batch, length, _ = emissions.shape
        trans, start = self._trans(), self._start()
        maskf = mask.to(emissions.dtype)
        rows = torch.arange(batch, device=emissions.device)
        # Score of the gold path.
        emit = emissions.gather(2, tags.unsqueeze(2)).squeeze(2)  # (B, T)
        gold = start[tags[:, 0]] + (emit * maskf).sum(1)
        if length > 1:
            pair = trans[tags[:, :-1], tags[:, 1:]]  # (B, T-1)
            gold = gold + (pair * maskf[:, 1:]).sum(1)
        last = mask.long().sum(1) - 1
        gold = gold + self.end[tags[rows, last]]
        # Partition function by the forward algorithm.
        alpha = start.unsqueeze(0) + emissions[:, 0]
        for t in range(1, length):
            step = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), dim=1) + emissions[:, t]
            alpha = torch.where(mask[:, t].unsqueeze(1), step, alpha)
        log_z = torch.logsumexp(alpha + self.end.unsqueeze(0), dim=1)
        return (log_z - gold).sum()

    @torch.no_grad()
    def decode(self, emissions: torch.Tensor, mask: torch.Tensor) -> list[list[int]]:
        """Viterbi paths, one list of tag ids per sentence (as long as its mask)."""
        return self.decode_numpy(emissions.float().cpu().numpy(), mask.long().sum(1).cpu().numpy())

    @torch.no_grad()
    def decode_numpy(self, emissions: np.ndarray, lengths: np.ndarray) -> list[list[int]]:
        """:meth:`decode` on float32 ``(batch, time, tags)`` emissions and sentence lengths."""
        return viterbi(
            emissions,
            lengths,
            self._start().float().cpu().numpy(),
            self._trans().float().cpu().numpy(),
            self.end.float().cpu().numpy(),
        )


def viterbi(
    emissions: np.ndarray,
    lengths: np.ndarray,
    start: np.ndarray,
    trans: np.ndarray,
    end: np.ndarray,
) -> list[list[int]]:
    """Best tag paths of a batch, in NumPy: per time step the batch is a few small arrays,
    where torch's per-operation overhead (and its threads' synchronisation) would dominate."""
    batch, length, _ = emissions.shape
    score = start[None, :] + emissions[:, 0]
    backpointers = np.empty((max(length - 1, 0), batch, len(start)), dtype=np.int64)
    for t in range(1, length):
        candidates = score[:, :, None] + trans[None]  # (batch, from, to)
        idx = candidates.argmax(1)
        best = candidates.max(1)
        score = np.where((lengths > t)[:, None], best + emissions[:, t], score)
        backpointers[t - 1] = idx
    last = (score + end[None, :]).argmax(1)
    # Follow the back-pointers for the whole batch at once; each sentence starts from its own
    # last position (before it, the values are overwritten; after, unused).
    paths = np.empty((batch, length), dtype=np.int64)
    rows = np.arange(batch)
    tag = last
    for t in range(length - 1, -1, -1):
        tag = np.where(lengths - 1 == t, last, tag)
        paths[:, t] = tag
        if t:
            tag = backpointers[t - 1][rows, tag]
    return [row[:n] for row, n in zip(paths.tolist(), lengths.tolist())]
