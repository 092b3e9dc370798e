"""The web calculator: a JSON API over the same validated schemas as the CLI, and a page at `/`.

Limits keep any request from hurting the server (docs/limits.md): request bodies of at most 256 KiB,
counted as they arrive (chunked too), JSON nested at most 32 deep, at most 20 candidates and 20,000 Monte
Carlo samples per request; the work runs in worker processes that are killed at 20 s or 3 GiB, at most two
at a time. No request can make the server read or write a file (model names are looked up in the catalog
only; config paths and hardware files are refused; send a config.json inline) or use the network.

The request schemas are in present/web/schemas.py, the endpoints and error answers in present/web/api.py,
the downloads in present/web/routes.py.
"""

from __future__ import annotations

import contextlib

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from traincost import __version__
from traincost.present.web.api import STATIC, Runner, register_api, register_errors
from traincost.present.web.guard import BodyGuard
from traincost.present.web.schemas import (
    MAX_CANDIDATES,
    MAX_SAMPLES,
    CompareRequest,
    WebAuditRequest,
    WebPlanRequest,
    WebScenario,
)
from traincost.present.web.workers import WorkerPool

__all__ = [
    "MAX_BODY",
    "MAX_CANDIDATES",
    "MAX_SAMPLES",
    "CompareRequest",
    "WebAuditRequest",
    "WebPlanRequest",
    "WebScenario",
    "create_app",
]

MAX_BODY = 256 * 1024  # input limit (docs/limits.md): request body bytes, counted as they arrive
TIMEOUT_S = 20.0  # input limit (docs/limits.md): seconds a worker may spend on one request
WORKERS = 2  # worker processes running requests at the same time
WORKER_MEMORY = 3 * 1024**3  # input limit (docs/limits.md): address space of a worker process (3 GiB)
QUEUE_WAIT_S = 5.0  # seconds a request waits for an idle worker before the server answers busy (503)


def create_app(
    timeout_s: float = TIMEOUT_S, workers: int = WORKERS, queue_wait_s: float = QUEUE_WAIT_S
) -> FastAPI:
    pool = WorkerPool(size=workers, timeout_s=timeout_s, queue_wait_s=queue_wait_s, mem_bytes=WORKER_MEMORY)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        pool.close()

    app = FastAPI(
        title="traincost",
        version=__version__,
        lifespan=lifespan,
        description="What an LLM training run will cost, and why. The same schemas as the traincost CLI.",
    )
    app.state.pool = pool
    app.add_middleware(BodyGuard, max_body=MAX_BODY)
    register_errors(app)
    register_api(app, Runner(pool, workers, timeout_s, WORKER_MEMORY))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


app = None  # created by `traincost serve` (or `uvicorn traincost.present.web.app:create_app --factory`)
