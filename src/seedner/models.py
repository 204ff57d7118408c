"""Finding, fetching and loading NER models.

``--model`` accepts ``embedded`` (the model shipped in the package), a HanLP pretrained model
(its constant in ``hanlp.pretrained``, e.g. ``CLOSE_TOK_POS_NER_SRL_DEP_SDP_CON_ELECTRA_SMALL_ZH``,
or a short alias such as ``electra-small``; an MTL model's NER task can be chosen with
``NAME@ner/pku``), or a folder holding a saved HanLP component. :func:`load_model` returns a
component whose ``predict(list_of_sentences)`` gives ``(text, native_label, start, end)`` spans
with character offsets (see :mod:`seedner.adapters`).

Pretrained models live in HanLP's cache (``HANLP_HOME``, default ``~/.hanlp``). A missing one
is downloaded on first use, with HanLP's progress bar on stderr; without a network the request
fails within seconds with a :class:`ModelError` that says where the files would go and how to
fetch them. Nothing here imports torch until a model is actually loaded.
"""

from __future__ import annotations

import os
import socket
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

EMBEDDED_DIR = Path(__file__).resolve().parent / "embedded"

HANLP_LICENCE = "CC BY-NC-SA 4.0"
EMBEDDED_LICENCE = (
    "research use only (derived from MSRA NER, People's Daily 1998 and CLUENER2020; "
    "Weibo NER CC BY-SA 3.0; LAC weights Apache-2.0)"
)
CONNECT_TIMEOUT = 3.0  # seconds to decide that a model's server cannot be reached

ELECTRA_SMALL = "hfl/chinese-electra-180g-small-discriminator"
ELECTRA_BASE = "hfl/chinese-electra-180g-base-discriminator"
FOUR_TYPES = ("PER", "ORG", "LOC", "DATE")


class ModelError(Exception):
    """A model cannot be found, fetched or loaded; the message says which, why and what to do."""


@dataclass(frozen=True)
class PretrainedModel:
    """A HanLP pretrained model that can serve as seedner's NER model."""

    name: str  # the constant in hanlp.pretrained, or the URL for an unlisted one
    url: str
    aliases: tuple[str, ...] = ()
    kind: str = ""  # "mtl" (multi-task) or "ner" (single task); "" when not known
    labels: str = ""  # native label set(s)
    types: tuple[str, ...] = ()  # seedner types its labels map to
    transformer: str | None = None  # the transformer it needs besides its own archive, if known
    description: str = ""


# (constant, aliases, kind, native labels, seedner types, transformer when known)
_CATALOGUE: tuple[tuple[str, tuple[str, ...], str, str, tuple[str, ...], str | None], ...] = (
    (
        "CLOSE_TOK_POS_NER_SRL_DEP_SDP_CON_ELECTRA_SMALL_ZH",
        ("electra-small",),
        "mtl",
        "ner/msra (26 types, used by default), ner/pku, ner/ontonotes",
        FOUR_TYPES,
        ELECTRA_SMALL,
    ),
    (
        "CLOSE_TOK_POS_NER_SRL_DEP_SDP_CON_ELECTRA_BASE_ZH",
        ("electra-base",),
        "mtl",
        "ner/msra (26 types, used by default), ner/pku, ner/ontonotes",
        FOUR_TYPES,
        ELECTRA_BASE,
    ),
    (
        "CLOSE_TOK_POS_NER_SRL_UDEP_SDP_CON_ELECTRA_SMALL_ZH",
        ("electra-small-udep",),
        "mtl",
        "ner/msra (26 types, used by default), ner/pku, ner/ontonotes",
        FOUR_TYPES,
        ELECTRA_SMALL,
    ),
    (
        "CLOSE_TOK_POS_NER_SRL_DEP_SDP_CON_ERNIE_GRAM_ZH",
        ("ernie-gram",),
        "mtl",
        "ner/msra (26 types, used by default), ner/pku, ner/ontonotes",
        FOUR_TYPES,
        None,
    ),
    (
        "OPEN_TOK_POS_NER_SRL_DEP_SDP_CON_ELECTRA_SMALL_ZH",
        ("open-electra-small",),
        "mtl",
        "ner (MSRA, 26 types)",
        FOUR_TYPES,
        ELECTRA_SMALL,
    ),
    (
        "OPEN_TOK_POS_NER_SRL_DEP_SDP_CON_ELECTRA_BASE_ZH",
        ("open-electra-base",),
        "mtl",
        "ner (MSRA, 26 types)",
        FOUR_TYPES,
        ELECTRA_BASE,
    ),
    (
        "UD_ONTONOTES_TOK_POS_LEM_FEA_NER_SRL_DEP_SDP_CON_MMINILMV2L6",
        ("minilm-l6",),
        "mtl",
        "ner (OntoNotes, 18 types)",
        FOUR_TYPES,
        "mMiniLMv2L6-no-space",
    ),
    (
        "UD_ONTONOTES_TOK_POS_LEM_FEA_NER_SRL_DEP_SDP_CON_MMINILMV2L12",
        ("minilm-l12",),
        "mtl",
        "ner (OntoNotes, 18 types)",
        FOUR_TYPES,
        "mMiniLMv2L12-no-space",
    ),
    (
        "UD_ONTONOTES_TOK_POS_LEM_FEA_NER_SRL_DEP_SDP_CON_XLMR_BASE",
        ("xlmr-base",),
        "mtl",
        "ner (OntoNotes, 18 types)",
        FOUR_TYPES,
        None,
    ),
    (
        "MSRA_NER_ELECTRA_SMALL_ZH",
        ("msra-ner-electra-small",),
        "ner",
        "MSRA (26 types)",
        FOUR_TYPES,
        ELECTRA_SMALL,
    ),
    (
        "MSRA_NER_BERT_BASE_ZH",
        ("msra-ner-bert-base",),
        "ner",
        "MSRA (3 types)",
        ("PER", "ORG", "LOC"),
        None,
    ),
    (
        "MSRA_NER_ALBERT_BASE_ZH",
        ("msra-ner-albert-base",),
        "ner",
        "MSRA (3 types)",
        ("PER", "ORG", "LOC"),
        None,
    ),
)


@lru_cache(maxsize=1)
def pretrained_models() -> tuple[PretrainedModel, ...]:
    """The NER-capable HanLP pretrained models for Chinese, with seedner's aliases."""
    import hanlp.pretrained  # light: no torch

    found = []
    for name, aliases, kind, labels, types, transformer in _CATALOGUE:
        url = hanlp.pretrained.ALL.get(name)
        if url is None:  # not in this hanlp version
            continue
        found.append(PretrainedModel(name, url, aliases, kind, labels, types, transformer))
    return tuple(found)


def find_pretrained(model: str) -> PretrainedModel | None:
    """The pretrained model that ``model`` names (constant, alias or HanLP URL), or None."""
    key = model.strip()
    for info in pretrained_models():
        if key.lower() == info.name.lower() or key.lower() in info.aliases:
            return info
    import hanlp.pretrained

    url = hanlp.pretrained.ALL.get(key.upper())
    if url is not None:  # a HanLP model seedner does not list; the adapter decides whether it fits
        return PretrainedModel(key.upper(), url)
    if key.startswith(("https://", "http://")):
        return PretrainedModel(key, key)
    return None


def split_task(model: str) -> tuple[str, str | None]:
    """``"electra-small@ner/pku"`` → ``("electra-small", "ner/pku")``; no suffix → task None."""
    name, sep, task = model.rpartition("@")
    if sep and name and task.startswith("ner"):
        return name, task
    return model, None


# -- the HanLP cache -----------------------------------------------------------------------
def hanlp_home() -> Path:
    from hanlp.utils.io_util import hanlp_home as home

    return Path(home())


def cache_dir(url: str) -> Path:
    """Where HanLP's ``get_resource`` keeps the unpacked archive of ``url``."""
    from hanlp.utils.io_util import path_from_url, split_if_compressed

    local = path_from_url(url.split("#")[0], save_dir=str(hanlp_home()))
    return Path(split_if_compressed(local)[0])


def _is_component_dir(path: Path) -> bool:
    return (path / "config.json").is_file() or (path / "meta.json").is_file()


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@dataclass(frozen=True)
class TransformerFiles:
    """The transformer (config, tokenizer) a pretrained model needs at load time."""

    name: str
    url: str | None  # HanLP's mirror archive; None when it comes from the Hugging Face hub
    path: Path | None  # where it is or would be cached

    @property
    def present(self) -> bool:
        if self.url is None:
            return _hf_cached(self.name)
        return self.path is not None and self.path.is_dir() and any(self.path.iterdir())


def transformer_files(name: str | None) -> TransformerFiles | None:
    if not name or Path(name).is_dir():
        return None
    from hanlp.layers.transformers.resource import model_mirrors, tokenizer_mirrors

    url = tokenizer_mirrors.get(name) or model_mirrors.get(name)
    return TransformerFiles(name, url, cache_dir(url) if url else None)


def _hf_cached(repo: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache

        return isinstance(try_to_load_from_cache(repo, "config.json"), str)
    except Exception:
        return False


def _find_transformer(config: Any) -> str | None:
    """The ``transformer`` named in a saved component's config (MTL models nest it)."""
    if isinstance(config, dict):
        value = config.get("transformer")
        if isinstance(value, str):
            return value
        for item in config.values():
            found = _find_transformer(item)
            if found:
                return found
    return None


def transformer_of(path: Path) -> str | None:
    import json

    try:
        return _find_transformer(json.loads((path / "config.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def _transformer_for(info: PretrainedModel, path: Path) -> TransformerFiles | None:
    name = transformer_of(path) if _is_component_dir(path) else info.transformer
    return transformer_files(name)


@dataclass(frozen=True)
class ModelStatus:
    """One row of ``seedner models``."""

    name: str
    hanlp_id: str
    aliases: tuple[str, ...]
    kind: str
    labels: str
    types: tuple[str, ...]
    licence: str
    present: bool
    path: str
    size_bytes: int | None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "hanlp_id": self.hanlp_id,
            "aliases": list(self.aliases),
            "kind": self.kind,
            "labels": self.labels,
            "types": list(self.types),
            "licence": self.licence,
            "present": self.present,
            "path": self.path,
            "size_bytes": self.size_bytes,
            "note": self.note,
        }


def _embedded_status() -> ModelStatus:
    import json

    from seedner.labels import canonical_type
    from seedner.types import ENTITY_TYPES

    present = (EMBEDDED_DIR / "config.json").is_file() and (EMBEDDED_DIR / "model.pt").is_file()
    types: tuple[str, ...] = ()
    labels = ""
    if present:
        config = json.loads((EMBEDDED_DIR / "config.json").read_text(encoding="utf-8"))
        kinds = sorted({label[2:] for label in config.get("labels", []) if label != "O"})
        labels = ", ".join(kinds)
        mapped = {canonical_type(k) for k in kinds}
        types = tuple(t for t in ENTITY_TYPES if t in mapped)
    size = sum(
        (EMBEDDED_DIR / f).stat().st_size
        for f in ("model.pt", "vocab.json", "encoder.onnx")
        if (EMBEDDED_DIR / f).is_file()
    )
    return ModelStatus(
        "embedded",
        "seedner.model.component.CharNER",
        (),
        "char BiGRU-CRF (LAC-initialised)",
        labels,
        types,
        EMBEDDED_LICENCE,
        present,
        str(EMBEDDED_DIR),
        size if present else None,
        "" if present else "the package's model files are missing",
    )


def model_statuses() -> list[ModelStatus]:
    """The embedded model and the listed pretrained ones, with what is in the cache now."""
    rows = [_embedded_status()]
    for info in pretrained_models():
        path = cache_dir(info.url)
        here = _is_component_dir(path)
        tf = _transformer_for(info, path)
        note = ""
        size = _dir_size(path) if here else None
        if here and tf is not None:
            if tf.present and tf.path is not None:
                size = (size or 0) + _dir_size(tf.path)
            elif not tf.present:
                note = f"its transformer {tf.name} is missing" + (
                    f" ({tf.path})" if tf.path else ""
                )
        rows.append(
            ModelStatus(
                info.aliases[0] if info.aliases else info.name,
                info.name,
                info.aliases,
                info.kind,
                info.labels,
                info.types,
                HANLP_LICENCE,
                here and not note,
                str(path),
                size,
                note,
            )
        )
    return rows


# -- reaching the network ---------------------------------------------------------------
def unreachable(url: str, timeout: float = CONNECT_TIMEOUT) -> str | None:
    """Why ``url``'s host (or its proxy) cannot be reached within ``timeout`` s; None if it can."""
    parsed = urllib.parse.urlparse(url)
    host, port = parsed.hostname or "", parsed.port or (443 if parsed.scheme == "https" else 80)
    proxy = urllib.request.getproxies().get(parsed.scheme)
    if proxy and not urllib.request.proxy_bypass(host):
        p = urllib.parse.urlparse(proxy if "://" in proxy else f"http://{proxy}")
        host, port = p.hostname or "", p.port or 80
    result: list[str | None] = []

    def attempt() -> None:
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            result.append(None)
        except OSError as exc:
            result.append(str(exc) or type(exc).__name__)

    # getaddrinfo has no timeout of its own: run it where we can stop waiting for it.
    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout + 0.5)
    if not result:
        return f"{host}:{port}: no answer within {timeout:.0f} s"
    return None if result[0] is None else f"{host}:{port}: {result[0]}"


@contextmanager
def _hanlp_offline_friendly() -> Iterator[None]:
    """Stop HanLP's failure paths from asking PyPI for its latest version and printing banners."""
    import hanlp.utils.component_util as component_util
    import hanlp.utils.io_util as io_util

    def no_pypi(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("seedner does not ask PyPI")

    saved = (
        component_util.get_latest_info_from_pypi,
        component_util.check_version_conflicts,
        component_util.eprint,
        io_util.check_outdated,
    )
    component_util.get_latest_info_from_pypi = no_pypi
    component_util.check_version_conflicts = no_pypi
    component_util.eprint = lambda *args, **kwargs: None
    io_util.check_outdated = no_pypi
    try:
        yield
    finally:
        (
            component_util.get_latest_info_from_pypi,
            component_util.check_version_conflicts,
            component_util.eprint,
            io_util.check_outdated,
        ) = saved


def _missing_dirs(path: Path) -> list[Path]:
    """``path`` and its ancestors that do not exist yet, deepest first."""
    missing = []
    for p in [path, *path.parents]:
        if p.exists():
            break
        missing.append(p)
    return missing


def _download(url: str, label: str) -> Path:
    """Fetch and unpack ``url`` into the HanLP cache, with HanLP's progress bar on stderr."""
    from hanlp.utils.io_util import get_resource

    target = cache_dir(url)
    created = _missing_dirs(target.parent)
    try:
        with _hanlp_offline_friendly():
            local = get_resource(url, save_dir=str(hanlp_home()), verbose=True)
    except BaseException as exc:
        for d in created:  # leave no empty folders behind
            try:
                d.rmdir()
            except OSError:
                break
        if isinstance(exc, KeyboardInterrupt):
            raise
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ModelError(
            f"model {label!r}: download of {url} failed ({first}); "
            f"retry, or fetch it yourself and unzip it as {target}/"
        ) from None
    return Path(local)


def _fetch_hint(url: str, path: Path) -> str:
    return f"fetch {url} and unzip it as {path}/"


def fetch_pretrained(info: PretrainedModel, label: str | None = None) -> Path:
    """The local folder of a pretrained model, downloading it (and its transformer) if needed."""
    label = label or info.name
    path = cache_dir(info.url)
    tf = _transformer_for(info, path)
    missing_model = not _is_component_dir(path)
    missing_tf = tf is not None and not tf.present
    if missing_model or missing_tf:
        if missing_model:
            probe = info.url
        else:
            assert tf is not None
            probe = tf.url or os.environ.get("HF_ENDPOINT", "https://huggingface.co")
        problem = unreachable(probe)
        if problem is not None:
            raise ModelError(_offline_message(info, label, path, tf, missing_model, problem))
    if missing_model:
        _download(info.url, label)
        if not _is_component_dir(path):
            raise ModelError(f"model {label!r}: {info.url} did not unpack into {path}/")
        tf = _transformer_for(info, path)
    if tf is not None and tf.url is not None and not tf.present:
        _download(tf.url, f"{label} (transformer {tf.name})")
    return path


def _offline_message(
    info: PretrainedModel,
    label: str,
    path: Path,
    tf: TransformerFiles | None,
    missing_model: bool,
    problem: str,
) -> str:
    named = label if label == info.name else f"{label} (HanLP {info.name})"
    steps = []
    if missing_model:
        steps.append(_fetch_hint(info.url, path))
    if tf is not None and not tf.present:
        if tf.url is not None and tf.path is not None:
            steps.append(f"its transformer {tf.name}: {_fetch_hint(tf.url, tf.path)}")
        else:
            steps.append(
                f"its transformer {tf.name} from the Hugging Face hub into the "
                "Hugging Face cache (`huggingface-cli download`)"
            )
    elif tf is None and missing_model:
        steps.append("it may also need its transformer's files, fetched on first load")
    where = "is not in" if missing_model else "is incomplete in"
    return (
        f"model {named} {where} the HanLP cache (HANLP_HOME={hanlp_home()}) and cannot be "
        f"downloaded ({problem}); on a machine with internet, {'; '.join(steps)} "
        "— or copy those folders from another machine's HANLP_HOME"
    )


# -- devices ------------------------------------------------------------------------------
def parse_device(device: str | int | None) -> int | None:
    """``auto``/None → None (a GPU when torch sees one), ``cpu`` → -1, ``cuda[:N]`` → N.

    That is the ``devices=`` convention of ``hanlp.load`` and of the embedded CharNER.
    """
    if device is None or device == "auto":
        return None
    if isinstance(device, int):
        value = device
    else:
        text = device.strip().lower()
        if text == "cpu":
            return -1
        if text == "cuda":
            value = 0
        elif text.startswith("cuda:") and text[5:].isdigit():
            value = int(text[5:])
        else:
            raise ModelError(f"device {device!r}: choose auto, cpu, cuda or cuda:N")
    if value < 0:
        return -1
    import torch

    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if value >= count:
        seen = f"{count} CUDA GPU{'s' if count != 1 else ''}" if count else "no CUDA GPU"
        raise ModelError(
            f"device {device!r}: torch {torch.__version__} sees {seen}; use --device cpu or auto"
        )
    return value


# -- loading --------------------------------------------------------------------------------
def resolve_model_path(model: str) -> Path:
    """The local folder of ``model`` (embedded, a folder, or a pretrained model already cached)."""
    name, _ = split_task(model)
    if name == "embedded":
        path = EMBEDDED_DIR
    else:
        path = Path(name).expanduser()
        if not _is_component_dir(path):
            info = find_pretrained(name)
            if info is not None:
                cached = cache_dir(info.url)
                if _is_component_dir(cached):
                    return cached
                raise ModelError(f"model {model!r} is not in the HanLP cache yet ({cached})")
    if not _is_component_dir(path):
        hint = (
            ""
            if name == "embedded"
            else ("; not a HanLP pretrained name or alias either (see `seedner models`)")
        )
        raise ModelError(
            f"model {model!r}: no saved HanLP component at {path.resolve()} "
            f"(config.json missing){hint}"
        )
    return path


def load_model(model: str = "embedded", device: str | int | None = None) -> Any:
    """Load a NER component with ``hanlp.load`` and adapt it to seedner's span contract.

    Raises :class:`ModelError` with a one-line message on any failure.
    """
    devices = parse_device(device)
    name, task = split_task(model)
    path = Path(name).expanduser()
    if name == "embedded" or _is_component_dir(path):
        path = resolve_model_path(name)
    else:
        info = find_pretrained(name)
        # No such model: resolve_model_path raises, naming the folder and `seedner models`.
        path = resolve_model_path(name) if info is None else fetch_pretrained(info, name)
    import hanlp

    try:
        with _hanlp_offline_friendly():
            component = hanlp.load(str(path), verbose=False, devices=devices)
    except Exception as exc:  # HanLP wraps failures in many types; report them in one line.
        first = (str(exc).strip().splitlines() or [""])[0]
        raise ModelError(
            f"model {model!r} at {path} could not be loaded: {type(exc).__name__}: {first}"
        ) from None
    from seedner.adapters import adapt

    try:
        return adapt(component, task)
    except ValueError as exc:
        raise ModelError(f"model {model!r} at {path}: {exc}") from None
