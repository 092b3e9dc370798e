"""The web calculator: a JSON API over the same validated schemas as the CLI, and a page at `/`.

Limits keep any request from hurting the server: request bodies of at most 256 KiB, at most 20
candidates and 20,000 Monte Carlo samples per request, 30 s per request, and no request can make the
server read or write a file (config paths and hardware files are refused; send a config.json inline).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, field_validator

from traincost import __version__, catalog
from traincost.errors import InputError
from traincost.schema import AuditRequest, PlanRequest, Scenario

STATIC = Path(__file__).parent / "static"
MAX_BODY = 256 * 1024
MAX_CANDIDATES = 20
MAX_SAMPLES = 20_000
TIMEOUT_S = 30.0


class _NoServerFiles(BaseModel):
    """Web requests name catalog entries or send data inline; nothing in them may make the server read a file."""

    @field_validator("model", "models", check_fields=False, mode="after")
    @classmethod
    def _model_no_path(cls, v):
        for m in [v] if isinstance(v, str) else (v or []):
            if "/" in m or "\\" in m or m.endswith((".json", ".yaml", ".yml")):
                raise ValueError(f"must be a catalog name; the web API reads no files (send a config.json as 'config') (got {m!r})")
        return v

    @field_validator("hardware_file", check_fields=False, mode="after")
    @classmethod
    def _no_hw_file(cls, v):
        if v is not None:
            raise ValueError("is not accepted by the web API (it would read a server file)")
        return v

    @field_validator("hf_hub", check_fields=False, mode="after")
    @classmethod
    def _no_hub(cls, v):
        if v:
            raise ValueError("is not accepted by the web API (the server makes no network requests)")
        return v


class WebScenario(_NoServerFiles, Scenario):
    """The estimate request: the CLI's scenario schema, without anything that would read a server file."""

    @field_validator("samples", mode="after")
    @classmethod
    def _samples_cap(cls, v):
        if v is not None and v > MAX_SAMPLES:
            raise ValueError(f"at most {MAX_SAMPLES:,} Monte Carlo samples per request (got {v})")
        return v


class WebPlanRequest(_NoServerFiles, PlanRequest):
    pass


class WebAuditRequest(_NoServerFiles, AuditRequest):
    pass


class CompareRequest(_NoServerFiles):
    """A comparison: a base scenario and candidate lists (or explicit candidates)."""

    model_config = ConfigDict(extra="forbid")

    scenario: WebScenario = Field(default_factory=WebScenario)
    models: list[str] | None = None
    gpus_list: list[int] | None = None
    hardware: list[str] | None = None
    providers: list[str] | None = None
    candidates: list[dict[str, Any]] | None = None
    deadline: str | None = None
    budget: str | None = None
    partners: str | None = None

    @field_validator("models", "hardware", "providers", "gpus_list", "candidates", mode="after")
    @classmethod
    def _cap(cls, v):
        if v is not None and len(v) > MAX_CANDIDATES:
            raise ValueError(f"at most {MAX_CANDIDATES} entries per request (got {len(v)})")
        return v


def _error(field: str, msg: str, status: int = 422) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": [{"loc": ["body", field], "msg": msg, "type": "value_error"}],
                                                     "error": f"{field}: {msg}"})


def create_app() -> FastAPI:
    app = FastAPI(title="traincost", version=__version__,
                  description="What an LLM training run will cost, and why. The same schemas as the traincost CLI.")

    @app.middleware("http")
    async def limits(request: Request, call_next):
        size = request.headers.get("content-length")
        if size is not None and (not size.isdigit() or int(size) > MAX_BODY):
            return _error("body", f"request body over {MAX_BODY // 1024} KiB", 413)
        try:
            return await asyncio.wait_for(call_next(request), TIMEOUT_S)
        except TimeoutError:
            return _error("request", f"took longer than {TIMEOUT_S:.0f} s; ask for fewer candidates or samples", 503)

    @app.exception_handler(InputError)
    async def input_error(_request: Request, e: InputError):
        return _error(e.field, e.message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, e: RequestValidationError):
        errs = e.errors()
        first = errs[0] if errs else {}
        loc = [str(x) for x in first.get("loc", ()) if x not in ("body",)]
        msg = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
        content = {"detail": [{k: v for k, v in err.items() if k in ("loc", "msg", "type")} for err in errs],
                   "error": f"{'.'.join(loc) or 'body'}: {msg}"}
        return JSONResponse(status_code=422, content=_jsonable(content))

    @app.post("/api/estimate", summary="Estimate a training run (the same fields as `traincost estimate`)")
    def api_estimate(req: WebScenario) -> dict[str, Any]:
        from traincost.pipeline import estimate
        from traincost.present.web.routes import answer_of

        r = estimate(req)
        return {**r.to_dict(), "answer": answer_of("estimate", r)}

    @app.post("/api/plan", summary="Search parallel layouts (or evaluate a fixed one)")
    def api_plan(req: WebPlanRequest) -> dict[str, Any]:
        from traincost.pipeline import run_plan
        from traincost.present.web.routes import answer_of

        p = run_plan(req.model_dump(exclude_none=True))
        return {**p.to_dict(), "answer": answer_of("plan", p)}

    @app.post("/api/compare", summary="Compare candidate runs")
    def api_compare(req: CompareRequest) -> dict[str, Any]:
        from traincost.decide.compare import expand, run_compare

        base = req.scenario.model_dump(exclude_none=True)
        cands = expand(base, req.models, req.gpus_list, req.hardware, req.providers, req.candidates)
        if len(cands) > MAX_CANDIDATES:
            raise InputError("candidates", f"at most {MAX_CANDIDATES} candidates per request (got {len(cands)})")
        from traincost.schema import make_request

        for c in cands:
            make_request(WebScenario, c)  # every candidate passes the web rules too
        from traincost.present.web.routes import answer_of

        res = run_compare(base, cands, req.deadline, req.budget, req.partners)
        return _jsonable({**res, "answer": answer_of("compare", res)})

    @app.post("/api/audit", summary="Check a claim: implied MFU and a verdict")
    def api_audit(req: WebAuditRequest) -> dict[str, Any]:
        from traincost.pipeline import run_audit
        from traincost.present.web.routes import answer_of

        a = run_audit(req.model_dump(exclude_none=True))
        return {**a.to_dict(), "answer": answer_of("audit", a)}

    from traincost.present.web.routes import register

    register(app, WebScenario, CompareRequest)  # downloads: bill CSV/XLSX, report HTML

    @app.get("/api/catalog", summary="Models, accelerators and providers for the form")
    def api_catalog() -> dict[str, Any]:
        models = [{"id": m.id, "name": m.display_name, "params": m.arch.params, "family": m.family}
                  for m in catalog.models().values()]
        accs = [{"id": a.id, "name": a.name, "memory_gb": a.memory_gb, "node_size": a.node_size}
                for a in catalog.accelerators().values()]
        providers = sorted({p.provider for p in catalog.prices()})
        return {"models": models, "accelerators": accs, "providers": providers,
                "defaults": {k: v["value"] for k, v in catalog.defaults()["scenario"].items()}}

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _jsonable(x: Any) -> Any:
    """Plain JSON types (NumPy scalars and exceptions in error contexts become floats and strings)."""
    import json

    return json.loads(json.dumps(x, default=lambda o: float(o) if hasattr(o, "__float__") else str(o)))


app = None  # created by `traincost serve` (or `uvicorn traincost.present.web.app:create_app --factory`)
