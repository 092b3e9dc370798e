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
import multiprocessing as mp
import os
import queue
import threading
from dataclasses import dataclass
from typing import Any

STARTUP_S = 60.0


class WorkerBusy(Exception):
    """Every worker is busy: the request was not started."""


class WorkerStopped(Exception):
    """The request ran past its deadline or memory cap and its worker was killed."""


class WorkerBug(Exception):
    """The job raised something other than an input error: a bug."""


def run_job(kind: str, payload: dict[str, Any]) -> Any:
    """The work of one heavy request (also callable in-process, for tests and the Python API)."""
    from traincost.files import no_file_access

    with no_file_access():
        if kind == "estimate":
            from traincost.pipeline import estimate

            return estimate(payload).to_dict()
        if kind == "plan":
            from traincost.pipeline import run_plan

            return run_plan(payload).to_dict()
        if kind == "audit":
            from traincost.pipeline import run_audit

            return run_audit(payload).to_dict()
        if kind == "compare":
            from traincost.decide.compare import run_compare

            return run_compare(payload["base"], payload["candidates"], payload.get("deadline"),
                               payload.get("budget"), payload.get("partners"))
    raise ValueError(f"unknown job {kind!r}")


def _worker_main(conn, mem_bytes: int) -> None:  # pragma: no cover - runs in the child process
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with contextlib.suppress(OSError):
        os.nice(5)  # the server process (light requests) goes first
    if mem_bytes:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
        except (ImportError, ValueError, OSError):
            pass
    import json

    import traincost.pipeline  # noqa: F401 - warm the imports before the first job
    from traincost.errors import InputError

    conn.send(("ready", None))
    while True:
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError):
            return
        try:
            out = ("ok", json.loads(json.dumps(run_job(kind, payload), default=_plain)))
        except InputError as e:
            out = ("input", (e.field, e.message))
        except MemoryError:
            out = ("memory", "")
        except Exception as e:  # noqa: BLE001 - reported to the server as a bug, in one line
            out = ("bug", f"{type(e).__name__}: {e}"[:300])
        conn.send(out)


def _plain(o: Any) -> Any:
    return float(o) if hasattr(o, "__float__") else str(o)


@dataclass
class _Worker:
    process: Any
    conn: Any
    ready: bool = False


class WorkerPool:
    """`size` worker processes; `run()` gives a job to an idle one and waits at most `timeout_s`."""

    def __init__(self, size: int = 2, timeout_s: float = 20.0, queue_wait_s: float = 5.0,
                 mem_bytes: int = 3 * 1024**3):
        self.size, self.timeout_s, self.queue_wait_s, self.mem_bytes = size, timeout_s, queue_wait_s, mem_bytes
        self._ctx = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self.killed = 0  # workers stopped at their deadline or memory cap

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        p = self._ctx.Process(target=_worker_main, args=(child, self.mem_bytes), daemon=True, name="traincost-worker")
        p.start()
        child.close()
        return _Worker(p, parent)

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
                if not w.conn.poll(STARTUP_S):
                    raise WorkerStopped("deadline")
                w.conn.recv()
                w.ready = True
            w.conn.send((kind, payload))
            if not w.conn.poll(self.timeout_s):
                raise WorkerStopped("deadline")
            status, value = w.conn.recv()
            healthy = True
        except (EOFError, OSError):
            raise WorkerStopped("memory") from None  # the worker died (its memory cap) or its pipe broke
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
        w.process.kill()
        w.process.join(timeout=5)
        w.conn.close()
        self._idle.put(self._spawn())

    def close(self) -> None:
        with self._lock:
            while True:
                try:
                    w = self._idle.get_nowait()
                except queue.Empty:
                    break
                w.process.kill()
                w.process.join(timeout=5)
            self._started = False
