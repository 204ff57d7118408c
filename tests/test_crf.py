"""The CRF layer against brute-force enumeration of all tag paths."""

from __future__ import annotations

import itertools

import torch

from seedner.model.crf import CRF

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


def _path_score(crf: CRF, emissions: torch.Tensor, path: tuple[int, ...]) -> torch.Tensor:
    trans, start = crf._trans(), crf._start()
    total = start[path[0]] + emissions[0, path[0]]
    for prev, cur, t in zip(path, path[1:], range(1, len(path))):
        total = total + trans[prev, cur] + emissions[t, cur]
    return total + crf.end[path[-1]]


def _crf() -> CRF:
    torch.manual_seed(0)
    crf = CRF(LABELS)
    with torch.no_grad():
        for p in crf.parameters():
            p.normal_()
    return crf


def test_nll_and_viterbi_match_enumeration_with_padding() -> None:
    crf = _crf()
    lengths = [4, 2, 3]
    emissions = torch.randn(3, 4, len(LABELS))
    mask = torch.arange(4).unsqueeze(0) < torch.tensor(lengths).unsqueeze(1)
    tags = torch.randint(0, len(LABELS), (3, 4))
    tags[:, :] = torch.tensor([0, 1, 2, 0])  # a valid path (also valid when cut short)
    paths = crf.decode(emissions, mask)
    nll = crf.nll(emissions, tags, mask)
    expected_nll = torch.tensor(0.0)
    for b, n in enumerate(lengths):
        scores = {
            p: _path_score(crf, emissions[b, :n], p) for p in itertools.product(range(5), repeat=n)
        }
        log_z = torch.logsumexp(torch.stack(list(scores.values())), 0)
        gold = tuple(tags[b, :n].tolist())
        expected_nll = expected_nll + log_z - scores[gold]
        best = max(scores, key=lambda p: scores[p].item())
        assert tuple(paths[b]) == best
        assert len(paths[b]) == n
    assert torch.allclose(nll, expected_nll, atol=1e-4)


def test_decoding_never_emits_an_inside_tag_without_its_begin() -> None:
    crf = _crf()
    emissions = torch.zeros(1, 3, len(LABELS))
    emissions[0, :, 2] = 50.0  # I-PER everywhere is by far the most likely per character
    (path,) = crf.decode(emissions, torch.ones(1, 3, dtype=torch.bool))
    assert LABELS[path[0]] != "I-PER"
    for prev, cur in itertools.pairwise(path):
        if LABELS[cur].startswith("I-"):
            assert LABELS[prev][2:] == LABELS[cur][2:]


def test_partial_labels_sum_over_the_open_positions() -> None:
    """With open positions the likelihood is that of every path through the allowed tags; with
    none open it is the gold path's, as without ``allowed``."""
    crf = _crf()
    lengths = [4, 3]
    emissions = torch.randn(2, 4, len(LABELS))
    mask = torch.arange(4).unsqueeze(0) < torch.tensor(lengths).unsqueeze(1)
    tags = torch.tensor([[0, 3, 0, 1], [1, 2, 0, 0]])
    closed = torch.nn.functional.one_hot(tags, len(LABELS)).bool() | ~mask.unsqueeze(2)
    assert torch.allclose(crf.nll(emissions, tags, mask, closed), crf.nll(emissions, tags, mask))
    allowed = closed.clone()
    allowed[0, 2] = True  # any tag at sentence 0's third character
    allowed[1, 2] = True
    expected = torch.tensor(0.0)
    for b, n in enumerate(lengths):
        paths = list(itertools.product(range(len(LABELS)), repeat=n))
        every = torch.stack([_path_score(crf, emissions[b, :n], p) for p in paths])
        through = [i for i, p in enumerate(paths) if all(allowed[b, t, p[t]] for t in range(n))]
        expected = expected + torch.logsumexp(every, 0) - torch.logsumexp(every[through], 0)
    assert torch.allclose(crf.nll(emissions, tags, mask, allowed), expected, atol=1e-4)
