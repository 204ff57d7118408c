"""The embedded tagger's network: char + bigram embeddings → BiLSTM → CRF."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seedner.model.crf import CRF
from seedner.model.features import SHAPES


class CharBiLSTMCRF(nn.Module):
    def __init__(
        self,
        n_chars: int,
        n_bigrams: int,
        labels: list[str],
        char_dim: int = 128,
        bigram_dim: int = 64,
        shape_dim: int = 8,
        hidden: int = 192,
        dropout: float = 0.3,
    ) -> None:
        super().__init__()
        self.char_embed = nn.Embedding(n_chars, char_dim, padding_idx=0)
        self.bigram_embed = nn.Embedding(n_bigrams, bigram_dim, padding_idx=0)
        self.shape_embed = nn.Embedding(len(SHAPES), shape_dim, padding_idx=0)
        self.dropout = nn.Dropout(dropout)
        self.lstm = nn.LSTM(
            char_dim + 2 * bigram_dim + shape_dim, hidden, batch_first=True, bidirectional=True
        )
        self.proj = nn.Linear(2 * hidden, len(labels))
        self.crf = CRF(labels)

    def emissions(
        self,
        chars: torch.Tensor,
        bigrams: torch.Tensor,
        shapes: torch.Tensor,
        lengths: torch.Tensor,
    ) -> torch.Tensor:
        """``bigrams`` has one more column than ``chars``: position i sees bigrams i and i+1."""
        big = self.bigram_embed(bigrams)
        x = torch.cat(
            [self.char_embed(chars), big[:, :-1], big[:, 1:], self.shape_embed(shapes)], dim=-1
        )
        x = self.dropout(x).to(self.proj.weight.dtype)
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=chars.shape[1])
        return self.proj(self.dropout(out)).float()

    def use_bfloat16(self) -> None:
        """Run the LSTM and output layer in bfloat16 (the CRF stays in float32).

        On CPUs with bfloat16 instructions this is about 1.5x faster at the same F1, and unlike
        int8 dynamic quantization its results do not depend on what else is in the batch.
        """
        self.lstm.to(torch.bfloat16)
        self.proj.to(torch.bfloat16)
