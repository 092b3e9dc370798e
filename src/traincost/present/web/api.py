"""The JSON endpoints of the web calculator and its error answers: every failure is one JSON document with
the field and a one-line message (422 for bad input, 503 when the workers are busy or a job was stopped,
500 for a bug).

No `from __future__ import annotations` here: FastAPI reads the request types from the live annotations."""

import json
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse

from traincost import __version__, catalog
from traincost.decide.compare import expand
from traincost.errors import InputError, printable
from traincost.present.web.routes import register
from traincost.present.web.schemas import (
    MAX_CANDIDATES,
    CompareRequest,
    WebAuditRequest,
    WebPlanRequest,
    WebScenario,
)
from traincost.present.web.workers import WorkerBug, WorkerBusy, WorkerPool, WorkerStopped
from traincost.schema import make_request

STATIC = Path(__file__).parent / "static"
GIB = 1024**3


class _Refusal(Exception):
    def __init__(self, status: int, field: str, msg: str):
        self.status, self.field, self.msg = status, field, msg


def _error(field: str, msg: str, status: int = HTTPStatus.UNPROCESSABLE_ENTITY) -> JSONResponse:
    msg = printable(msg)
    return JSONResponse(
        status_code=status,
        content={
            "detail": [{"loc": ["body", field], "msg": msg, "type": "value_error"}],
            "error": f"{field}: {msg}",
        },
    )


def _jsonable(x: Any) -> Any:
    """Plain JSON types (NumPy scalars and exceptions in error contexts become floats and strings)."""
    return json.loads(json.dumps(x, default=lambda o: float(o) if hasattr(o, "__float__") else str(o)))


@dataclass(frozen=True)
class Runner:
    """Runs a job in the bounded worker pool; refusals and input errors become the API's error answers."""

    pool: WorkerPool
    workers: int
    timeout_s: float
    mem_bytes: int

    def __call__(self, kind: str, payload: dict[str, Any]) -> Any:
        try:
            status, value = self.pool.run(kind, payload)
        except WorkerBusy:
            raise _Refusal(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "request",
                f"the server is busy ({self.workers} requests running); retry in a few seconds",
            ) from None
        except WorkerStopped as e:
            why = (
                f"took longer than {self.timeout_s:g} s"
                if str(e) == "deadline"
                else f"ran out of its {self.mem_bytes // GIB} GiB of memory"
            )
            raise _Refusal(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "request",
                f"{why} and was stopped; ask for fewer candidates or samples",
            ) from None
        except WorkerBug as e:
            raise _Refusal(
                HTTPStatus.INTERNAL_SERVER_ERROR, "internal", f"internal error ({e}); please report it"
            ) from None
        if status == "input":
            raise InputError(*value)
        return value


def register_errors(app: FastAPI) -> None:
    """One JSON shape for every refused request: {detail: [{loc, msg, type}], error: 'field: message'}."""

    @app.exception_handler(_Refusal)
    async def refusal(_request: Request, e: _Refusal):
        return _error(e.field, e.msg, e.status)

    @app.exception_handler(InputError)
    async def input_error(_request: Request, e: InputError):
        return _error(e.field, e.message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, e: RequestValidationError):
        errs = e.errors()
        first = errs[0] if errs else {}
        loc = [str(x) for x in first.get("loc", ()) if x not in ("body",)]
        msg = printable(str(first.get("msg", "invalid value")).removeprefix("Value error, "))
        if first.get("type") == "json_invalid":  # the loc is a character position, not a field
            loc, msg = (
                [],
                f"not valid JSON (at character {first.get('loc', ('', '?'))[-1]}: {(first.get('ctx') or {}).get('error', msg)})",
            )
        content = {
            "detail": [{k: v for k, v in err.items() if k in ("loc", "msg", "type")} for err in errs],
            "error": f"{'.'.join(loc) or 'body'}: {msg}",
        }
        return JSONResponse(status_code=HTTPStatus.UNPROCESSABLE_ENTITY, content=_jsonable(content))


def register_api(app: FastAPI, heavy: Runner) -> None:
    """The estimate, plan, compare and audit endpoints (run in the worker pool) and the light ones."""

    @app.post("/api/estimate", summary="Estimate a training run (the same fields as `traincost estimate`)")
    def api_estimate(req: WebScenario) -> dict[str, Any]:
        return heavy("estimate", req.model_dump(exclude_none=True))

    @app.post("/api/plan", summary="Search parallel layouts (or evaluate a fixed one)")
    def api_plan(req: WebPlanRequest) -> dict[str, Any]:
        return heavy("plan", req.model_dump(exclude_none=True))

    @app.post("/api/compare", summary="Compare candidate runs")
    def api_compare(req: CompareRequest) -> dict[str, Any]:
        base = req.scenario.model_dump(exclude_none=True)
        overrides = [c.model_dump(exclude_none=True) for c in req.candidates] if req.candidates else None
        cands = expand(base, req.models, req.gpus_list, req.hardware, req.providers, overrides)
        if len(cands) > MAX_CANDIDATES:
            raise InputError(
                "candidates", f"at most {MAX_CANDIDATES} candidates per request (got {len(cands)})"
            )
        for c in cands:
            make_request(WebScenario, c)  # every candidate passes the web rules too
        return heavy(
            "compare",
            {
                "base": base,
                "candidates": cands,
                "deadline": req.deadline,
                "budget": req.budget,
                "partners": req.partners,
                "target_loss": req.target_loss,
            },
        )

    @app.post("/api/audit", summary="Check a claim: implied MFU and a verdict")
    def api_audit(req: WebAuditRequest) -> dict[str, Any]:
        return heavy("audit", req.model_dump(exclude_none=True))

    register(
        app, WebScenario, CompareRequest, heavy
    )  # downloads: bill CSV/XLSX, report HTML (bounded workers)
    _register_light(app)


def _register_light(app: FastAPI) -> None:
    """Endpoints answered in the server process: the catalog for the form, health, the page."""

    @app.get("/api/catalog", summary="Models, accelerators and providers for the form")
    async def api_catalog() -> dict[str, Any]:
        models = [
            {"id": m.id, "name": m.display_name, "params": m.arch.params, "family": m.family}
            for m in catalog.models().values()
        ]
        accs = [
            {"id": a.id, "name": a.name, "memory_gb": a.memory_gb, "node_size": a.node_size}
            for a in catalog.accelerators().values()
        ]
        providers = sorted({p.provider for p in catalog.prices()})
        return {
            "models": models,
            "accelerators": accs,
            "providers": providers,
            "defaults": {k: v["value"] for k, v in catalog.defaults()["scenario"].items()},
        }

    @app.get("/healthz", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")
