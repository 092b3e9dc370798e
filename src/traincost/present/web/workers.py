"""Heavy web requests run in a small pool of worker processes, each with a hard deadline and a memory cap.

A thread cannot be stopped from outside (``asyncio.wait_for`` only stops waiting for it), so the work of
a request that runs past its deadline is stopped by killing the process that does it; a fresh worker
takes its place. The pool's size is also the number of heavy requests that run at once: a request that
finds every worker busy for longer than ``queue_wait_s`` is answered 503 at once, so heavy requests
cannot starve the light ones (``/healthz``, ``/api/catalog`` and the page are answered by the server
process, which does no heavy work). Workers run at a lower CPU priority than the server process, read no
files (:func:`traincost.files.no_file_access`) and make no network requests.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

STARTUP_S = 60.0  # seconds a worker may take to start (its imports), outside any request's deadline
NICE_INCREMENT = 5  # workers run at a lower CPU priority than the server process (light requests go first)
KILL_WAIT_S = 5  # seconds to wait for a killed worker process to exit
BUG_MESSAGE_CHARS = 300  # presentation: a worker's bug report is cut to one short line
POOL_TIMEOUT_S = 20.0  # default deadline of one job (the web app passes its own, docs/limits.md)
POOL_QUEUE_WAIT_S = 5.0  # default wait for an idle worker before answering busy
POOL_MEMORY = 3 * 1024**3  # default address-space cap of a worker process (3 GiB)


class WorkerBusy(Exception):
    """Every worker is busy: the request was not started."""


class WorkerStopped(Exception):
    """The request ran past its deadline or memory cap and its worker was killed."""


class WorkerBug(Exception):
    """The job raised something other than an input error: a bug."""


def run_job(kind: str, payload: dict[str, Any]) -> Any:
    """The work of one heavy request (also callable in-process, for tests and the Python API)."""
    from traincost.files import no_file_access

    if kind not in _JOBS:
        raise ValueError(f"unknown job {kind!r}")
    with no_file_access():
        return _JOBS[kind](payload)


def _estimate(payload: dict[str, Any]) -> dict[str, Any]:
    from traincost.pipeline import estimate
    from traincost.present.web.routes import answer_of

    r = estimate(payload)
    return {**r.to_dict(), "answer_text": answer_of("estimate", r)}


def _plan(payload: dict[str, Any]) -> dict[str, Any]:
    from traincost.pipeline import run_plan
    from traincost.present.web.routes import answer_of

    p = run_plan(payload)
    return {**p.to_dict(), "answer_text": answer_of("plan", p)}


def _audit(payload: dict[str, Any]) -> dict[str, Any]:
    from traincost.pipeline import run_audit
    from traincost.present.web.routes import answer_of

    a = run_audit(payload)
    return {**a.to_dict(), "answer_text": answer_of("audit", a)}


def _compare(payload: dict[str, Any]) -> dict[str, Any]:
    from traincost.decide.compare import run_compare
    from traincost.present.web.routes import answer_of

    res = run_compare(
        payload["base"],
        payload["candidates"],
        payload.get("deadline"),
        payload.get("budget"),
        payload.get("partners"),
        target_loss=payload.get("target_loss"),
    )
    return {**res, "answer_text": answer_of("compare", res)}


def _bill_csv(payload: dict[str, Any]) -> str:
    from traincost.pipeline import estimate
    from traincost.present.exports import bill_rows, to_csv

    return to_csv(bill_rows(estimate(payload)))


def _bill_xlsx(payload: dict[str, Any]) -> str:
    import base64

    from traincost.pipeline import estimate
    from traincost.present.exports import assumption_rows, bill_rows, ranges_rows, to_xlsx

    r = estimate(payload)
    data = to_xlsx({"bill": bill_rows(r), "ranges": ranges_rows(r), "assumptions": assumption_rows(r)})
    return base64.b64encode(data).decode("ascii")


def _report_html(payload: dict[str, Any]) -> str:
    from traincost.usecases.report import report_html

    return report_html(payload["base"], payload.get("candidates"))


_JOBS = {
    "estimate": _estimate,
    "plan": _plan,
    "audit": _audit,
    "compare": _compare,
    "bill_csv": _bill_csv,
    "bill_xlsx": _bill_xlsx,
    "report_html": _report_html,
}


def _worker_main(mem_bytes: int) -> None:  # pragma: no cover - runs in the child process
    """A worker: one JSON request per line on stdin, one JSON answer per line on stdout."""
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8")
    sys.stdout = sys.stderr  # nothing else may write on the protocol's stream
    with contextlib.suppress(OSError):
        os.nice(NICE_INCREMENT)  # the server process (light requests) goes first
    if mem_bytes:
        with contextlib.suppress(ImportError, ValueError, OSError):
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
    import traincost.pipeline  # noqa: F401 - warm the imports before the first job
    from traincost.errors import InputError

    proto.write(json.dumps(["ready", None]) + "\n")
    proto.flush()
    for line in sys.stdin:
        try:
            kind, payload = json.loads(line)
            out = ["ok", json.loads(json.dumps(run_job(kind, payload), default=_plain))]
        except InputError as e:
            out = ["input", [e.field, e.message]]
        except MemoryError:
            out = ["memory", ""]
        except Exception as e:  # noqa: BLE001 - reported to the server as a bug, in one line
            out = ["bug", f"{type(e).__name__}: {e}"[:BUG_MESSAGE_CHARS]]
        proto.write(json.dumps(out, default=_plain) + "\n")
        proto.flush()


def _plain(o: Any) -> Any:
    return float(o) if hasattr(o, "__float__") else str(o)


class _Worker:
    """A worker process and a thread that reads its answers into a queue (portable: no select on pipes)."""

    def __init__(self, mem_bytes: int):
        src = str(Path(__file__).resolve().parents[3])  # the folder holding the traincost package
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p),
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "traincost.present.web.workers", str(mem_bytes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self.answers: queue.Queue[Any] = queue.Queue()
        self.ready = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            try:
                self.answers.put(json.loads(line))
            except ValueError:
                continue
        self.answers.put(None)  # the process ended

    def ask(self, kind: str, payload: dict[str, Any]) -> None:
        self.process.stdin.write(json.dumps([kind, payload]) + "\n")
        self.process.stdin.flush()

    def answer(self, timeout: float) -> Any:
        """The next answer; raises queue.Empty after `timeout`, EOFError when the process ended."""
        out = self.answers.get(timeout=timeout)
        if out is None:
            raise EOFError
        return out

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(timeout=KILL_WAIT_S)
        for f in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(Exception):
                f.close()


class WorkerPool:
    """`size` worker processes; `run()` gives a job to an idle one and waits at most `timeout_s`."""

    def __init__(
        self,
        size: int = 2,
        timeout_s: float = POOL_TIMEOUT_S,
        queue_wait_s: float = POOL_QUEUE_WAIT_S,
        mem_bytes: int = POOL_MEMORY,
    ):
        self.size, self.timeout_s, self.queue_wait_s, self.mem_bytes = (
            size,
            timeout_s,
            queue_wait_s,
            mem_bytes,
        )
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self.killed = 0  # workers stopped at their deadline or memory cap

    def _spawn(self) -> _Worker:
        return _Worker(self.mem_bytes)

    def _ensure(self) -> None:
        with self._lock:
            if not self._started:
                for _ in range(self.size):
                    self._idle.put(self._spawn())
                self._started = True

    def run(self, kind: str, payload: dict[str, Any]) -> tuple[str, Any]:
        """('ok', result) or ('input', (field, message)); raises WorkerBusy, WorkerStopped or WorkerBug."""
        self._ensure()
        try:
            w = self._idle.get(timeout=self.queue_wait_s)
        except queue.Empty:
            raise WorkerBusy() from None
        healthy = False
        try:
            if not w.ready:  # a worker's start-up (imports) does not count against the request's deadline
                try:
                    w.answer(STARTUP_S)
                except (queue.Empty, EOFError):
                    raise WorkerBug("a worker process did not start") from None
                w.ready = True
            w.ask(kind, payload)
            try:
                status, value = w.answer(self.timeout_s)
            except queue.Empty:
                raise WorkerStopped("deadline") from None
            healthy = True
        except (EOFError, OSError):
            raise WorkerStopped("crashed") from None  # the worker died (out of memory) or its pipe broke
        finally:
            if healthy:
                self._idle.put(w)
            else:
                self._replace(w)
        if status == "memory":
            raise WorkerStopped("memory")
        if status == "bug":
            raise WorkerBug(value)
        return status, value

    def _replace(self, w: _Worker) -> None:
        self.killed += 1
        w.kill()
        self._idle.put(self._spawn())

    def close(self) -> None:
        with self._lock:
            while True:
                try:
                    w = self._idle.get_nowait()
                except queue.Empty:
                    break
                w.kill()
            self._started = False


if __name__ == "__main__":  # pragma: no cover - the worker process
    _worker_main(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
