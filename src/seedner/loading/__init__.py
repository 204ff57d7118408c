"""Finding, fetching and loading NER models.

``--model`` accepts ``embedded`` (the model shipped in the package), a HanLP pretrained model
(its constant in ``hanlp.pretrained``, e.g. ``CLOSE_TOK_POS_NER_SRL_DEP_SDP_CON_ELECTRA_SMALL_ZH``,
or a short alias such as ``electra-small``; an MTL model's NER task can be chosen with
``NAME@ner/pku``), or a folder holding a saved HanLP component. :func:`load_model` returns a
component whose ``predict(list_of_sentences)`` gives ``(text, native_label, start, end)`` spans
with character offsets (see :mod:`seedner.loading.adapters`).

* :mod:`~seedner.loading.catalogue` — the models that can be named, and their aliases;
* :mod:`~seedner.loading.hanlp_cache` — HanLP's cache, downloads and the offline failure;
* :mod:`~seedner.loading.status` — the rows of ``seedner models``;
* :mod:`~seedner.loading.devices` — ``--device``;
* :mod:`~seedner.loading.loader` — ``hanlp.load`` and the adapters;
* :mod:`~seedner.loading.adapters` and :mod:`~seedner.loading.labels` — HanLP outputs to
  seedner's spans and types.

Nothing here imports torch until a model is actually loaded.
"""

from seedner.errors import ModelError
from seedner.loading.loader import load_model, resolve_model_path

__all__ = ["ModelError", "load_model", "resolve_model_path"]
