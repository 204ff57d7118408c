"""HanLP's model cache (``HANLP_HOME``, default ``~/.hanlp``): where a pretrained model and its
transformer live, fetching them on first use, and failing within seconds, with a message that
says where the files would go, when there is no network."""

from __future__ import annotations

import os
import socket
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seedner.errors import ModelError
from seedner.loading.catalogue import PretrainedModel

CONNECT_TIMEOUT = 3.0  # seconds to decide that a model's server cannot be reached


def hanlp_home() -> Path:
    from hanlp.utils.io_util import hanlp_home as home

    return Path(home())


def cache_dir(url: str) -> Path:
    """Where HanLP's ``get_resource`` keeps the unpacked archive of ``url``."""
    from hanlp.utils.io_util import path_from_url, split_if_compressed

    local = path_from_url(url.split("#")[0], save_dir=str(hanlp_home()))
    return Path(split_if_compressed(local)[0])


def is_component_dir(path: Path) -> bool:
    return (path / "config.json").is_file() or (path / "meta.json").is_file()


def dir_size(path: Path) -> int:
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


def transformer_for(info: PretrainedModel, path: Path) -> TransformerFiles | None:
    name = transformer_of(path) if is_component_dir(path) else info.transformer
    return transformer_files(name)


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
def hanlp_offline_friendly() -> Iterator[None]:
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
        with hanlp_offline_friendly():
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
    tf = transformer_for(info, path)
    missing_model = not is_component_dir(path)
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
        if not is_component_dir(path):
            raise ModelError(f"model {label!r}: {info.url} did not unpack into {path}/")
        tf = transformer_for(info, path)
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
