"""Adapters from HanLP components' NER outputs to seedner's span contract.

Every model seedner uses is a HanLP ``Component`` whose ``predict(list_of_sentences)`` returns,
per sentence, ``(entity_text, native_label, start, end)`` tuples with CHARACTER offsets into that
sentence string (end exclusive), sorted by start. The embedded ``CharNER`` does that already;
HanLP's own components need an adapter:

* :class:`MultiTaskNER` — a ``MultiTaskLearning`` model (``CLOSE_TOK_POS_NER_…``): its NER task
  (``ner/msra``, ``ner/pku``, ``ner/ontonotes`` or ``ner``) returns spans over the TOKENS of its
  tokenizer task; the tokenizer is asked for its tokens' character spans (``output_spans``) and
  tokens are aligned to the sentence when it cannot give them.
* :class:`TokenListNER` — a single-task recognizer (``TransformerNamedEntityRecognizer`` such as
  ``MSRA_NER_ELECTRA_SMALL_ZH``) fed lists of characters: its token offsets are character
  offsets once whitespace (which such models never saw) is taken out and mapped back.

Adapters cut sentences longer than ``max_chars`` into pieces with the pipeline's own sentence
cutter (:func:`seedner.text.sentences.iter_sentences`: at punctuation or spaces when possible,
never truncating) and shift the pieces' offsets back. Native labels are passed
through; mapping them to PER/ORG/LOC/DATE is :func:`seedner.loading.labels.canonical_type`'s job.
HanLP's components give no probability per entity: asked for scores (``scores=True``, as the
pipeline asks every component), an adapter gives ``None`` as each span's fifth element.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hanlp.common.component import Component
from hanlp_common.reflection import classpath_of

from seedner.text.sentences import iter_sentences
from seedner.types import NerSpan, ScoredNerSpan

PieceSpan = tuple[str, int, int]  # (native label, start, end) within one piece

# 510 sub-words is the transformers' limit; Chinese BERT-style tokenizers give at most one
# sub-word per character, sentencepiece ones rarely more than two. 250 leaves room for both.
MAX_CHARS = 250

# Which NER task of a multi-task model to use when none is asked for.
NER_TASK_PREFERENCE = ("ner/msra", "ner", "ner/ontonotes", "ner/pku")
MTL_CLASS = "hanlp.components.mtl.multi_task_learning.MultiTaskLearning"
TOKEN_LIST_NER_CLASSES = {
    "hanlp.components.ner.transformer_ner.TransformerNamedEntityRecognizer",
    "hanlp.components.ner.rnn_ner.RNNNamedEntityRecognizer",
    "hanlp.components.ner.biaffine_ner.biaffine_ner.BiaffineNamedEntityRecognizer",
}
SPAN_CONTRACT_CLASSES = {"seedner.model.component.CharNER"}


def _squash(text: str) -> str:
    return "".join(text.split())


def token_char_spans(sentence: str, tokens: Sequence[Any]) -> list[tuple[int, int]]:
    """Character ``(start, end)`` of each token in ``sentence``.

    Tokens are either ``[text, start, end]`` (HanLP's ``output_spans``) or plain strings. HanLP
    drops whitespace inside a token (``"行 和"`` comes back as ``"行和"``) and may normalize
    characters, so plain tokens are aligned by counting: each takes as many non-whitespace
    characters of the sentence as it has, whitespace between and inside them skipped.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(sentence)
    for token in tokens:
        if isinstance(token, (list, tuple)) and len(token) == 3:
            text, s, e = token
            if (
                isinstance(s, int)
                and isinstance(e, int)
                and pos <= s < e <= n
                and _squash(sentence[s:e]) == _squash(str(text))
            ):
                spans.append((s, e))
                pos = e
                continue
            token = text
        need = len(_squash(str(token)))
        start = pos
        while start < n and sentence[start].isspace():
            start += 1
        end, count = start, 0
        while end < n and count < need:
            count += not sentence[end].isspace()
            end += 1
        spans.append((start, end))
        pos = end
    return spans


def tokens_to_chars(
    sentence: str, tokens: Sequence[Any], spans: Sequence[Sequence[Any]]
) -> list[PieceSpan]:
    """NER spans over tokens ``(entity, label, tok_start, tok_end)`` → ``(label, start, end)``
    in characters."""
    chars = token_char_spans(sentence, tokens)
    out: list[PieceSpan] = []
    for span in spans:
        _, label, b, e = span[:4]
        if 0 <= b < e <= len(chars):
            s, t = chars[b][0], chars[e - 1][1]
            if s < t:
                out.append((str(label), s, t))
    return out


class SpanAdapter(Component):
    """Base: sentences in, character-offset spans out; long sentences are split and re-joined."""

    def __init__(self, inner: Any, max_chars: int = MAX_CHARS) -> None:
        super().__init__()
        self.inner = inner
        self.max_chars = max_chars
        self.config = {
            "classpath": classpath_of(self),
            "inner": classpath_of(inner),
            "max_chars": max_chars,
        }

    def predict_pieces(self, pieces: list[str]) -> list[list[PieceSpan]]:
        """``(label, start, end)`` per piece; pieces are non-blank, at most ``max_chars`` long."""
        raise NotImplementedError

    def predict(
        self, data: str | list[str], scores: bool = False, **kwargs: Any
    ) -> list[NerSpan] | list[list[NerSpan]] | list[ScoredNerSpan] | list[list[ScoredNerSpan]]:
        """``(entity, label, start, end)`` per entity of each sentence; with ``scores``, a
        fifth element ``None`` (no probability)."""
        single = isinstance(data, str)
        texts: list[str] = [data] if isinstance(data, str) else list(data)
        pieces: list[str] = []
        owners: list[tuple[int, int]] = []
        for i, text in enumerate(texts):
            # the sentence cutter of the pipeline: pieces of at most max_chars, none blank
            for s, e in iter_sentences(text, self.max_chars):
                pieces.append(text[s:e])
                owners.append((i, s))
        out: list[list[NerSpan]] = [[] for _ in texts]
        if pieces:
            results = self.predict_pieces(pieces)
            for (i, offset), piece, spans in zip(owners, pieces, results, strict=True):
                for label, s, e in spans:
                    if 0 <= s < e <= len(piece):
                        out[i].append(
                            (texts[i][offset + s : offset + e], label, offset + s, offset + e)
                        )
        for found in out:
            found.sort(key=lambda span: (span[2], span[3]))
        if scores:
            scored: list[list[ScoredNerSpan]] = [[(*span, None) for span in found] for found in out]
            return scored[0] if single else scored
        return out[0] if single else out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({type(self.inner).__name__})"


class MultiTaskNER(SpanAdapter):
    """A HanLP multi-task model's NER task, with token spans turned into character spans."""

    def __init__(self, mtl: Any, task: str | None = None, max_chars: int = MAX_CHARS) -> None:
        super().__init__(mtl, max_chars)
        names = list(mtl.tasks)
        ner_tasks = [n for n in names if n.split("/")[0] == "ner"]
        if not ner_tasks:
            raise ValueError(f"this multi-task model has no NER task (it has {', '.join(names)})")
        if task is None:
            task = next((t for t in NER_TASK_PREFERENCE if t in ner_tasks), ner_tasks[0])
        elif task not in ner_tasks:
            raise ValueError(
                f"no NER task {task!r} in this model; choose from {', '.join(ner_tasks)}"
            )
        self.task = task
        groups = mtl.resolve_tasks(task, None)
        self.tok_task = next(
            (t for group in groups for t in group if t.split("/")[0] == "tok"), None
        )
        if self.tok_task is not None:
            # The tokenizer then returns [token, char_start, char_end] per token.
            mtl[self.tok_task].config["output_spans"] = True
        self.config.update(task=task, tok_task=self.tok_task)

    def predict_pieces(self, pieces: list[str]) -> list[list[PieceSpan]]:
        doc = self.inner(pieces, tasks=self.task)
        ner = doc[self.task]
        tokens = doc.get(self.tok_task) if self.tok_task else doc.get("tok")
        out = []
        for k, piece in enumerate(pieces):
            toks = tokens[k] if tokens is not None else list(piece)
            if isinstance(toks, str):  # no tokenizer ran: the NER task saw characters
                toks = list(toks)
            out.append(tokens_to_chars(piece, toks, ner[k]))
        return out


class TokenListNER(SpanAdapter):
    """A single-task recognizer that takes lists of tokens, fed one character per token."""

    def predict_pieces(self, pieces: list[str]) -> list[list[PieceSpan]]:
        keeps = [[i for i, c in enumerate(piece) if not c.isspace()] for piece in pieces]
        inputs = [[piece[i] for i in keep] for piece, keep in zip(pieces, keeps)]
        results = self.inner(inputs)
        out: list[list[PieceSpan]] = []
        for keep, spans in zip(keeps, results, strict=True):
            converted = []
            for span in spans:
                _, label, b, e = span[:4]
                if 0 <= b < e <= len(keep):
                    converted.append((str(label), keep[b], keep[e - 1] + 1))
            out.append(converted)
        return out


def _classpaths(component: Any) -> set[str]:
    return {f"{c.__module__}.{c.__qualname__}" for c in type(component).__mro__}


def adapt(component: Any, task: str | None = None) -> Component:
    """Wrap a loaded HanLP component so that it meets seedner's span contract.

    Raises ValueError when the component is not a named entity recognizer seedner can use.
    """
    if isinstance(component, SpanAdapter):
        return component
    kinds = _classpaths(component)
    if MTL_CLASS in kinds:
        return MultiTaskNER(component, task)
    if task is not None:
        raise ValueError(f"a NER task ({task!r}) can only be chosen for a multi-task model")
    if kinds & SPAN_CONTRACT_CLASSES:
        return component
    if kinds & TOKEN_LIST_NER_CLASSES:
        return TokenListNER(component)
    raise ValueError(f"{type(component).__name__} is not a named entity recognizer seedner can use")
