"""The generalist tagger's network: LAC-style two-layer BiGRU over character, bigram and shape
embeddings → per-corpus emission heads → CRF.

The GRU follows Baidu LAC's (PaddlePaddle) formulation so that LAC's pretrained weights keep
their meaning: the reset gate applies to the state *before* the recurrent product of the
candidate, ``n = tanh(W_in·x + W_hn·(r⊙h))``, whereas ``torch.nn.GRU`` computes
``r⊙(W_hn·h)``. Loaded into ``nn.GRU`` instead, LAC-small's weights lose a third of their
zero-shot F1 (Weibo dev 0.565 → 0.348). Both directions of a layer run in one loop over time as
batched matrix products; the backward direction reads each sequence reversed within its own
length, so padding never leaks into real positions.

Emissions are a shared linear layer plus, during training, a small head per training corpus
that absorbs that corpus's annotation conventions (MSRA splits 中美 into two places, CLUENER's
addresses are long spans …). Inference uses the shared layer alone: the conventions the corpora
agree on.
"""

from __future__ import annotations

import torch
from torch import nn

from seedner.model.crf import CRF
from seedner.model.network import CharInputs, reversal_order


class LacBiGRU(nn.Module):
    """Stacked bidirectional GRU layers with LAC's gate formulation; batch-first."""

    def __init__(self, input_size: int, hidden: int = 128, layers: int = 2) -> None:
        super().__init__()
        self.hidden = hidden
        sizes = [input_size] + [2 * hidden] * (layers - 1)
        self.ih_weight = nn.ParameterList(
            nn.Parameter(torch.empty(2, n, 3 * hidden)) for n in sizes
        )
        self.ih_bias = nn.ParameterList(nn.Parameter(torch.zeros(2, 3 * hidden)) for _ in sizes)
        self.hh_weight = nn.ParameterList(
            nn.Parameter(torch.empty(2, hidden, 3 * hidden)) for _ in sizes
        )
        bound = hidden**-0.5
        for p in [*self.ih_weight, *self.hh_weight]:
            nn.init.uniform_(p, -bound, bound)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor, dropout: nn.Module) -> torch.Tensor:
        order = reversal_order(lengths, x.shape[1], x.device)
        for layer in range(len(self.ih_weight)):
            if layer:
                x = dropout(x)
            x = self._layer(x, order, layer)
        return x

    def _layer(self, x: torch.Tensor, order: torch.Tensor, layer: int) -> torch.Tensor:
        h_size = self.hidden
        both = torch.stack([x, x.gather(1, order.expand(-1, -1, x.shape[2]))])  # (2, B, T, D)
        w_ih, b_ih = self.ih_weight[layer], self.ih_bias[layer]
        gates_x = torch.matmul(both, w_ih.unsqueeze(1)) + b_ih[:, None, None, :]  # (2,B,T,3H)
        w_hh = self.hh_weight[layer]
        w_rz = w_hh[:, :, : 2 * h_size].contiguous()
        w_n = w_hh[:, :, 2 * h_size :].contiguous()
        h = x.new_zeros(2, x.shape[0], h_size)
        outputs = []
        # unbind, not indexing in the loop: the gradient of each index would be a zero tensor
        # as large as gates_x (quadratic in the length)
        for gx in gates_x.unbind(2):
            rz = torch.sigmoid(gx[..., : 2 * h_size] + torch.bmm(h, w_rz))
            r, z = rz[..., :h_size], rz[..., h_size:]
            n = torch.tanh(gx[..., 2 * h_size :] + torch.bmm(r * h, w_n))
            h = n + z * (h - n)  # (1 - z)·n + z·h
            outputs.append(h)
        out = torch.stack(outputs, dim=2)  # (2, B, T, H)
        backward = out[1].gather(1, order.expand(-1, -1, h_size))
        return torch.cat([out[0], backward], dim=2)

    def load_lac(self, gru: dict[str, torch.Tensor]) -> None:
        """Copy LAC's GRU (converted to ``nn.GRU`` names by scripts/convert_lac.py).

        Layer 1's extra inputs (bigrams, shapes) beyond LAC's ``input_columns`` start at zero,
        so the pretrained network is unchanged until training gives them a use.
        """
        with torch.no_grad():
            for layer in range(len(self.ih_weight)):
                names = [f"_l{layer}", f"_l{layer}_reverse"]
                w_ih = torch.stack([gru["weight_ih" + s].T for s in names])
                self.ih_weight[layer].zero_()
                self.ih_weight[layer][:, : w_ih.shape[1]] = w_ih
                self.ih_bias[layer].copy_(torch.stack([gru["bias_ih" + s] for s in names]))
                self.hh_weight[layer].copy_(torch.stack([gru["weight_hh" + s].T for s in names]))


class CharBiGRUCRF(CharInputs):
    def __init__(
        self,
        n_chars: int,
        n_bigrams: int,
        labels: list[str],
        char_dim: int = 128,
        bigram_dim: int = 64,
        shape_dim: int = 8,
        hidden: int = 128,
        dropout: float = 0.2,
        n_heads: int = 0,
        layers: int = 2,
        lexicon_dim: int = 0,
        summed_inputs: bool = False,
    ) -> None:
        """``lexicon_dim``: lexicon inputs per character (0: none), after the embeddings or,
        with ``summed_inputs``, projected and added to the character's (:class:`CharInputs`)."""
        super().__init__(
            n_chars, n_bigrams, char_dim, bigram_dim, shape_dim, summed_inputs, lexicon_dim
        )
        self.dropout = nn.Dropout(dropout)
        self.lexicon_dim = lexicon_dim
        self.gru = LacBiGRU(self.input_size, hidden, layers)
        self.proj = nn.Linear(2 * hidden, len(labels))
        heads = [nn.Linear(2 * hidden, len(labels)) for _ in range(n_heads)]
        for head in heads:
            nn.init.zeros_(head.weight)
            nn.init.zeros_(head.bias)
        self.heads = nn.ModuleList(heads)
        self.crf = CRF(labels)

    def encode(
        self,
        chars: torch.Tensor,
        bigrams: torch.Tensor,
        shapes: torch.Tensor,
        lengths: torch.Tensor,
        lexicon: torch.Tensor | None = None,
    ) -> torch.Tensor:
        x = self.features(chars, bigrams, shapes, lexicon)
        return self.dropout(self.gru(self.dropout(x), lengths, self.dropout))

    def emissions(
        self,
        chars: torch.Tensor,
        bigrams: torch.Tensor,
        shapes: torch.Tensor,
        lengths: torch.Tensor,
        heads: torch.Tensor | None = None,
        lexicon: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """``heads`` (training only): a corpus head index per sentence, -1 for the shared layer
        alone."""
        states = self.encode(chars, bigrams, shapes, lengths, lexicon)
        scores = self.proj(states)
        if heads is not None and len(self.heads):
            extra = torch.stack([head(states) for head in self.heads])  # (K, B, T, L)
            pick = heads.clamp(min=0)
            chosen = extra[pick, torch.arange(len(heads), device=states.device)]
            scores = scores + chosen * (heads >= 0).to(scores.dtype)[:, None, None]
        return scores.float()

    def widen_input(self, lexicon_dim: int) -> None:
        """Read ``lexicon_dim`` more inputs per character, their weights zero: the network's
        outputs stay as they were until training gives them a use."""
        if self.summed:
            raise ValueError("a network with summed inputs reads the lexicon it was built with")
        first = self.gru.ih_weight[0]
        extra = first.new_zeros(first.shape[0], lexicon_dim - self.lexicon_dim, first.shape[2])
        self.gru.ih_weight[0] = nn.Parameter(torch.cat([first.detach(), extra], dim=1))
        self.lexicon_dim = lexicon_dim

    def use_bfloat16(self) -> None:
        """Kept float32: the recurrent loop's small products gain nothing from bfloat16."""
