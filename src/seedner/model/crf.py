"""A linear-chain CRF over batch-first emissions, with BIO transition constraints.

HanLP 2.1.5's RNN tagger builds its CRF as ``CRF(n_out, crf_constraints)``, but the second
parameter of ``hanlp.layers.crf.crf.CRF`` is ``batch_first``: with the default
``crf_constraints=None`` the layer reads the tagger's batch-first emissions as time-first,
so training optimizes the wrong sequences and decoding returns paths as long as the batch.
This one is written for ``(batch, time, tags)`` and is tested against brute-force
enumeration.
"""

from __future__ import annotations

import torch
from torch import nn

from seedner.model.viterbi import NEG, bio_constraints, viterbi


class CRF(nn.Module):
    def __init__(self, labels: list[str]) -> None:
        super().__init__()
        n = len(labels)
        self.transitions = nn.Parameter(torch.zeros(n, n))  # [from, to]
        self.start = nn.Parameter(torch.zeros(n))
        self.end = nn.Parameter(torch.zeros(n))
        penalty = torch.from_numpy(bio_constraints(labels))
        self.register_buffer("trans_penalty", penalty[:n], persistent=False)
        self.register_buffer("start_penalty", penalty[n], persistent=False)

    def _trans(self) -> torch.Tensor:
        return self.transitions + self.get_buffer("trans_penalty")

    def _start(self) -> torch.Tensor:
        return self.start + self.get_buffer("start_penalty")

    def nll(
        self,
        emissions: torch.Tensor,
        tags: torch.Tensor,
        mask: torch.Tensor,
        allowed: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Sum over the batch of -log p(tags | emissions). ``mask[:, 0]`` must be all true.

        ``allowed`` (batch, time, tags) bool: partial labels. Where a position allows several
        tags, the likelihood sums over every path through the allowed tags (the marginal CRF
        of learning from partly annotated corpora), so a tag a corpus left open is no evidence
        either way; ``tags`` is then ignored.
        """
        if allowed is not None:
            closed = torch.where(allowed, 0.0, NEG).to(emissions.dtype)
            both = self._log_partition(
                torch.cat([emissions, emissions + closed]), mask.repeat(2, 1)
            )
            log_z, log_gold = both.chunk(2)
            return (log_z - log_gold).sum()
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
        return (self._log_partition(emissions, mask) - gold).sum()

    def _log_partition(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """log Z per sentence, by the forward algorithm."""
        trans = self._trans()
        alpha = self._start().unsqueeze(0) + emissions[:, 0]
        for t in range(1, emissions.shape[1]):
            step = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), dim=1) + emissions[:, t]
            alpha = torch.where(mask[:, t].unsqueeze(1), step, alpha)
        return torch.logsumexp(alpha + self.end.unsqueeze(0), dim=1)

    @torch.no_grad()
    def decode(self, emissions: torch.Tensor, mask: torch.Tensor) -> list[list[int]]:
        """Viterbi paths, one list of tag ids per sentence (as long as its mask)."""
        return viterbi(
            emissions.float().cpu().numpy(),
            mask.long().sum(1).cpu().numpy(),
            self._start().float().cpu().numpy(),
            self._trans().float().cpu().numpy(),
            self.end.float().cpu().numpy(),
        )
