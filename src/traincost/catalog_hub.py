"""The Hugging Face Hub lookup of a model's config.json (`--hf-hub`), the one network access traincost makes."""

from __future__ import annotations

from traincost.errors import InputError
from traincost.model.hf_config import load_config_file

HUB_CONNECT_S = 3.0  # seconds: an unreachable Hub fails fast instead of after the client's retries
HTTPS_PORT = 443  # the Hub is reached over HTTPS
ERROR_CHARS = 160  # presentation: the Hub client's error is cut to one line


def _check_hub_reachable() -> None:
    """Fail in seconds, not minutes, when the Hub cannot be reached: HF_HUB_OFFLINE is honoured, and one
    TCP connection (name lookup included) must succeed within HUB_CONNECT_S before the download starts;
    the download's own timeouts are shortened too (HF_HUB_ETAG_TIMEOUT, HF_HUB_DOWNLOAD_TIMEOUT)."""
    import os
    import socket
    import threading
    from urllib.parse import urlparse

    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        raise InputError(
            "hf_hub",
            "HF_HUB_OFFLINE is set, so the Hugging Face Hub is not asked; give a path to a config.json instead",
        )
    host = urlparse(os.environ.get("HF_ENDPOINT") or "https://huggingface.co").hostname or "huggingface.co"
    ok: list[bool] = []

    def probe() -> None:
        try:
            socket.create_connection((host, HTTPS_PORT), timeout=HUB_CONNECT_S).close()
            ok.append(True)
        except (OSError, ValueError):
            pass

    t = threading.Thread(target=probe, daemon=True)
    t.start()
    t.join(HUB_CONNECT_S + 0.5)
    if not ok:
        raise InputError(
            "hf_hub",
            f"cannot reach the Hugging Face Hub ({host}) within {HUB_CONNECT_S:g} s (offline?); "
            "give a path to a config.json instead",
        )
    os.environ.setdefault("HF_HUB_ETAG_TIMEOUT", "5")
    os.environ.setdefault("HF_HUB_DOWNLOAD_TIMEOUT", "10")


def hub_config(repo: str) -> dict:
    """config.json of a Hugging Face Hub repository: the one network access traincost makes, and only when
    asked (`--hf-hub`). Needs the `huggingface_hub` package."""
    _check_hub_reachable()
    try:
        from huggingface_hub import hf_hub_download
    except ImportError:
        raise InputError(
            "hf_hub", "looking up the Hub needs huggingface_hub: pip install huggingface_hub"
        ) from None
    import logging

    log = logging.getLogger("huggingface_hub")
    level = log.level
    log.setLevel(logging.CRITICAL)  # its retry messages would break the one-line error rule
    try:
        path = hf_hub_download(repo_id=repo, filename="config.json")
    except Exception as e:  # noqa: BLE001 - network, auth and not-found errors all become one clear line
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise InputError(
            "model", f"cannot fetch config.json of '{repo}' from the Hugging Face Hub ({first[:ERROR_CHARS]})"
        ) from None
    finally:
        log.setLevel(level)
    return load_config_file(path)
