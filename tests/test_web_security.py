"""The web API's security rules, tested with the inputs that broke them (issue 12): no request makes the
server look at its file system, the body cap holds for chunked bodies, and work past its deadline is
stopped (its worker process killed) while the server keeps answering."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import io
import json
import os
import pathlib
import sys
import time

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from traincost import catalog  # noqa: E402
from traincost.present.web.app import MAX_BODY, create_app  # noqa: E402
from traincost.present.web.guard import BodyGuard  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


FILE_LIKE = [
    ".",
    "..",
    "pyproject.toml",
    "CONFIG.JSON",
    "config.json",
    "mdl",
    "src",
    "tests",
    "/etc/passwd",
    "../config.json",
    "x" * 300,
    "a/" * 150,
    "con\x00fig.json",
    "~",
    "C:\\Windows\\win.ini",
]


def _bodies(ref: str) -> list[tuple[str, dict, str]]:
    return [
        ("/api/estimate", {"model": ref}, "model"),
        ("/api/audit", {"model": ref, "gpu_hours": 1000}, "model"),
        ("/api/plan", {"model": ref}, "model"),
        ("/api/compare", {"models": ["llama-3.1-8b", ref]}, "models"),
        ("/api/compare", {"candidates": [{"model": "llama-3.1-8b"}, {"model": ref}]}, "model"),
        ("/api/compare", {"scenario": {"model": ref}, "gpus_list": [8, 16]}, "scenario.model"),
    ]


@pytest.fixture
def no_file_system(monkeypatch):
    """Every way of touching a file fails loudly (and is recorded) while the request runs."""
    for m in catalog.models():  # the package's own catalog is read before the trap is set
        catalog.resolve_catalog_model(m)
    touched: list[str] = []
    armed = [False]

    code = (str(pathlib.Path(catalog.__file__).parent), sys.prefix, sys.base_prefix)

    def trap(name, real):
        def f(*a, **k):
            target = str(a[0]) if a else ""
            if not armed[0] or (target.endswith(".py") and os.path.abspath(target).startswith(code)):
                return real(*a, **k)  # Python's own look at source code (linecache, for warnings)
            touched.append(f"{name}{a[:1]}")
            raise AssertionError(f"the web API touched the file system: {name}{a[:1]}")

        return f

    for obj, attr in [
        (builtins, "open"),
        (io, "open"),
        (os, "stat"),
        (os, "lstat"),
        (pathlib.Path, "exists"),
        (pathlib.Path, "is_dir"),
        (pathlib.Path, "is_file"),
        (pathlib.Path, "open"),
        (pathlib.Path, "read_text"),
        (pathlib.Path, "read_bytes"),
    ]:
        monkeypatch.setattr(obj, attr, trap(f"{getattr(obj, '__name__', obj)}.{attr}", getattr(obj, attr)))

    @contextlib.contextmanager
    def arm():
        armed[0] = True
        try:
            yield
        finally:
            armed[0] = False

    arm.touched = touched
    return arm


@pytest.mark.parametrize("ref", FILE_LIKE)
def test_file_like_model_names_are_422_without_touching_files(client, no_file_system, ref):
    for path, body, field in _bodies(ref):
        with no_file_system():
            r = client.post(path, json=body)
        assert r.status_code == 422, (path, body, r.text)
        err = r.json()["error"]
        assert err.split(":")[0].endswith(field.split(".")[-1]) or field in err.split(":")[0], (path, err)
        assert "\n" not in err and "Traceback" not in err
    assert no_file_system.touched == []


def test_existing_and_missing_files_answer_alike(client, tmp_path, monkeypatch):
    """The answer does not depend on the server's files: a name that is a file (or folder) in the server's
    working directory gets the same message, word for word, as one that is not."""
    (tmp_path / "config.json").write_text('{"model_type": "llama"}')
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    (tmp_path / "CONFIG.JSON").write_text("{}")
    (tmp_path / "mdl").mkdir()
    (tmp_path / "mdl" / "config.json").write_text("{}")
    monkeypatch.chdir(tmp_path)
    pairs = [
        ("config.json", "cogfig.json"),
        ("CONFIG.JSON", "COGFIG.JSON"),
        ("pyproject.toml", "pyprojekt.toml"),
        ("mdl", "mdq"),
        ("mdl/config.json", "mdq/config.json"),
    ]
    for there, absent in pairs:
        assert os.path.exists(there) and not os.path.exists(absent)
        for (path, body, _), (_, body2, _) in zip(_bodies(there), _bodies(absent), strict=True):
            a, b = client.post(path, json=body), client.post(path, json=body2)
            assert a.status_code == b.status_code == 422
            assert a.json()["error"].replace(f"'{there}'", "?") == b.json()["error"].replace(
                f"'{absent}'", "?"
            ), (a.text, b.text)


def test_catalog_only_resolver_never_reads_files(tmp_path, monkeypatch):
    (tmp_path / "config.json").write_text(json.dumps(catalog.models()["qwen2.5-0.5b"].config))
    monkeypatch.chdir(tmp_path)
    arch, _ = catalog.resolve_model("config.json")  # the CLI reads files ...
    assert arch.params == catalog.models()["qwen2.5-0.5b"].arch.params
    with pytest.raises(catalog.InputError, match="unknown model 'config.json'"):
        catalog.resolve_model("config.json", files=False)  # ... a web request does not
    from traincost.files import no_file_access

    with no_file_access(), pytest.raises(catalog.InputError, match="unknown model"):
        catalog.resolve_model("config.json")
    with no_file_access(), pytest.raises(catalog.InputError, match="reading files is not allowed"):
        catalog.load_hardware_file("hw.yaml")


def test_hardware_file_and_hub_are_refused(client):
    for body, field in [({"hardware_file": "/etc/hosts"}, "hardware_file"), ({"hf_hub": True}, "hf_hub")]:
        for path in ("/api/estimate", "/api/plan"):
            r = client.post(path, json=body)
            assert r.status_code == 422 and r.json()["error"].startswith(field), r.text
    r = client.post("/api/compare", json={"candidates": [{"hardware_file": "x.yaml"}]})
    assert r.status_code == 422 and "hardware_file" in r.json()["error"]


# ----------------------------------------------------------------------------- bodies


def test_chunked_body_is_cut_off_at_the_cap():
    """A 2 MB chunked body (no Content-Length): the guard stops reading after MAX_BODY and answers 413."""
    received = 0
    sent: list[dict] = []

    async def receive():
        nonlocal received
        received += 64 * 1024
        return {"type": "http.request", "body": b"x" * (64 * 1024), "more_body": received < 2_000_000}

    async def send(msg):
        sent.append(msg)

    async def app(scope, receive, send):  # pragma: no cover - must not be reached
        raise AssertionError("the app saw an oversized body")

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/estimate",
        "headers": [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")],
    }
    asyncio.run(BodyGuard(app, max_body=MAX_BODY)(scope, receive, send))
    assert sent[0]["status"] == 413
    assert received <= MAX_BODY + 64 * 1024  # nothing past the cap was read
    assert json.loads(sent[1]["body"])["error"].startswith("body:")


def test_chunked_body_through_the_app(client):
    def chunks():
        for _ in range(32):
            yield b" " * (64 * 1024)

    r = client.post("/api/estimate", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "KiB" in r.json()["error"]
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    "raw, field",
    [
        ("[" * 100_000 + "]" * 100_000, "body"),
        ('{"config": ' + '{"a": ' * 40 + "1" + "}" * 40 + "}", "body"),
        ('{"model": "\\ud800"}', "model"),
        ('{"scenario": {"gpu": "h100\\udfff"}, "models": ["llama-3.1-8b"]}', "scenario.gpu"),
        ('{"candidates": [{"model": "\\ud83d"}]}', "candidates.0.model"),
    ],
)
def test_deep_json_and_lone_surrogates_are_422(client, raw, field):
    path = "/api/compare" if "candidates" in raw or "scenario" in raw else "/api/estimate"
    r = client.post(path, content=raw.encode(), headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["error"].startswith(field + ":"), r.text


# ----------------------------------------------------------------------------- deadlines


def test_work_past_the_deadline_is_killed_and_the_server_keeps_answering():
    app = create_app(timeout_s=0.5, workers=1, queue_wait_s=0.5)
    with TestClient(app) as c:
        assert (
            c.post(
                "/api/estimate", json={"model": "llama-3.1-8b", "gpus": 64, "mfu": 0.4, "price": 2}
            ).status_code
            == 200
        )
        pool = app.state.pool
        pid = pool._idle.queue[0].process.pid
        heavy = {
            "models": ["llama-3.1-8b", "llama-3.1-70b", "qwen2.5-72b", "mixtral-8x7b"],
            "gpus_list": [64, 128, 256],
            "budget": "5M",
        }
        t0 = time.perf_counter()
        r = c.post("/api/compare", json=heavy)
        took = time.perf_counter() - t0
        assert r.status_code == 503 and "stopped" in r.json()["error"], r.text
        assert took < 3.0
        assert pool.killed == 1
        with pytest.raises(ProcessLookupError):  # the process that did the work is gone
            os.kill(pid, 0)
        assert c.get("/healthz").status_code == 200
        assert c.get("/api/catalog").status_code == 200
        r = c.post("/api/estimate", json={"model": "llama-3.1-8b", "gpus": 64, "mfu": 0.4, "price": 2})
        assert r.status_code == 200  # a fresh worker took its place


# ----------------------------------------------------------------------------- a real HTTP server


@pytest.fixture(scope="module")
def live():
    """A real uvicorn server (HTTP parsing, chunked bodies, threads) with one worker and short waits."""
    import socket
    import threading

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(timeout_s=3.0, workers=1, queue_wait_s=0.3)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="on")
    )
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield app, port
    server.should_exit = True
    t.join(timeout=10)


def _http(
    port: int, method: str, path: str, body: bytes | None = None, timeout: float = 30
) -> tuple[int, dict]:
    import http.client

    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request(
        method, path, body=body, headers={"content-type": "application/json"} if body is not None else {}
    )
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, json.loads(data) if data else {}


def test_live_chunked_2mb_body_is_413_and_the_server_keeps_answering(live):
    import socket

    _, port = live
    chunk = b" " * 65536
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(
            b"POST /api/estimate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        sent = 0
        try:
            while sent < 2 * 1024 * 1024:
                s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                sent += len(chunk)
            s.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server stopped reading and closed the connection: what it should do
        head = s.recv(200)
    assert head.startswith(b"HTTP/1.1 413"), head
    assert _http(port, "GET", "/healthz")[0] == 200


def test_live_heavy_requests_do_not_starve_light_ones(live):
    """While the one worker is busy past its deadline, /healthz and /api/catalog answer at once, another
    heavy request is refused 503 'busy' quickly, and the busy one is stopped at its 3 s deadline."""
    import threading

    app, port = live
    heavy = json.dumps(
        {
            "models": ["llama-3.1-8b", "llama-3.1-70b", "qwen2.5-72b", "mixtral-8x7b", "llama-3.1-405b"],
            "gpus_list": [64, 128, 256, 512],
            "budget": "50M",
        }
    ).encode()
    assert (
        _http(
            port,
            "POST",
            "/api/estimate",
            json.dumps({"model": "llama-3.1-8b", "gpus": 8, "mfu": 0.4, "price": 2}).encode(),
        )[0]
        == 200
    )
    out: dict = {}

    def slow():
        t0 = time.perf_counter()
        out["status"], out["body"] = _http(port, "POST", "/api/compare", heavy)
        out["took"] = time.perf_counter() - t0

    th = threading.Thread(target=slow)
    th.start()
    time.sleep(0.5)
    for path in ("/healthz", "/api/catalog"):
        t0 = time.perf_counter()
        assert _http(port, "GET", path)[0] == 200
        assert time.perf_counter() - t0 < 1.0, path
    t0 = time.perf_counter()
    status, body = _http(
        port, "POST", "/api/estimate", json.dumps({"model": "llama-3.1-8b", "gpus": 8}).encode()
    )
    assert status == 503 and "busy" in body["error"] and time.perf_counter() - t0 < 2.0
    th.join(timeout=30)
    assert out["status"] == 503 and "longer than 3 s" in out["body"]["error"] and out["took"] < 6
    assert app.state.pool.killed >= 1
