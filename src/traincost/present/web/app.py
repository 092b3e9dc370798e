"""The web calculator: a JSON API over the same validated schemas as the CLI, and a page at `/`.

Limits keep any request from hurting the server (docs/limits.md): request bodies of at most 256 KiB,
counted as they arrive (chunked too), JSON nested at most 32 deep, at most 20 candidates and 20,000 Monte
Carlo samples per request; the work runs in worker processes that are killed at 20 s or 3 GiB, at most two
at a time. No request can make the server read or write a file (model names are looked up in the catalog
only; config paths and hardware files are refused; send a config.json inline) or use the network.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from traincost import __version__, catalog
from traincost.errors import InputError
from traincost.present.web.guard import BodyGuard
from traincost.present.web.workers import WorkerBug, WorkerBusy, WorkerPool, WorkerStopped
from traincost.schema import AuditRequest, Gpus, PlanRequest, Scenario

STATIC = Path(__file__).parent / "static"
MAX_BODY = 256 * 1024
MAX_CANDIDATES = 20
MAX_SAMPLES = 20_000
TIMEOUT_S = 20.0
WORKERS = 2
WORKER_MEMORY = 3 * 1024**3


def _enum(values) -> Any:
    """OpenAPI: the names the server accepts (evaluated when the schema is generated)."""
    return lambda schema: schema.update(enum=sorted(values()))


def _gpu_names() -> set[str]:
    return {n for a in catalog.accelerators().values() for n in (a.id, *a.aliases)}


# what the web API accepts, stated in the OpenAPI document so generated requests use real names
CatalogModel = Annotated[str, Field(min_length=1, max_length=200, json_schema_extra=_enum(lambda: catalog.models()))]
GpuName = Annotated[str, Field(min_length=1, max_length=200, json_schema_extra=_enum(_gpu_names))]
ProviderName = Annotated[str, Field(min_length=1, max_length=200,
                                    json_schema_extra=_enum(lambda: {p.provider for p in catalog.prices()}))]


class _NoServerFiles(BaseModel):
    """Web requests name catalog entries or send data inline; nothing in them may make the server read a file."""

    @field_validator("model", "models", check_fields=False, mode="after")
    @classmethod
    def _catalog_models_only(cls, v):
        # catalog names only, looked up in the catalog alone: no path is ever tried, so the answer is the
        # same whether or not a file of that name exists on the server
        for m in [v] if isinstance(v, str) else (v or []):
            try:
                catalog.resolve_catalog_model(m)
            except InputError as e:
                raise ValueError(e.message) from None
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

    model: CatalogModel | None = None  # a catalog name only
    gpu: GpuName | None = None
    serve_gpu: GpuName | None = None
    provider: ProviderName | None = None
    samples: Annotated[int, Field(ge=100, le=MAX_SAMPLES)] | None = None
    hardware_file: SkipJsonSchema[str | None] = None  # refused: listed nowhere in the schema
    hf_hub: SkipJsonSchema[bool | None] = None  # refused

    @field_validator("samples", mode="after")
    @classmethod
    def _samples_cap(cls, v):
        if v is not None and v > MAX_SAMPLES:
            raise ValueError(f"at most {MAX_SAMPLES:,} Monte Carlo samples per request (got {v})")
        return v


class WebPlanRequest(_NoServerFiles, PlanRequest):
    model: CatalogModel | None = None  # a catalog name only
    gpu: GpuName | None = None
    hardware_file: SkipJsonSchema[str | None] = None  # refused


class WebAuditRequest(_NoServerFiles, AuditRequest):
    model: CatalogModel | None = None  # a catalog name only
    gpu: GpuName | None = None


class CompareRequest(_NoServerFiles):
    """A comparison: a base scenario and candidate lists (or explicit candidates)."""

    model_config = ConfigDict(extra="forbid")

    scenario: WebScenario = Field(default_factory=WebScenario)
    models: Annotated[list[CatalogModel], Field(min_length=1, max_length=MAX_CANDIDATES)] | None = None
    gpus_list: Annotated[list[Gpus], Field(min_length=1, max_length=MAX_CANDIDATES)] | None = None
    hardware: Annotated[list[GpuName], Field(min_length=1, max_length=MAX_CANDIDATES)] | None = None
    providers: Annotated[list[ProviderName], Field(min_length=1, max_length=MAX_CANDIDATES)] | None = None
    # each candidate overrides fields of the scenario, with the same rules
    candidates: Annotated[list[WebScenario], Field(min_length=1, max_length=MAX_CANDIDATES)] | None = None
    deadline: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    budget: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    partners: Annotated[str, Field(min_length=1, max_length=2000)] | None = None
    target_loss: Annotated[str, Field(min_length=1, max_length=40)] | None = None  # cheapest (model, tokens) reaching this domain loss

    @field_validator("models", "hardware", "providers", "gpus_list", "candidates", mode="after")
    @classmethod
    def _cap(cls, v):
        if v is not None and len(v) > MAX_CANDIDATES:
            raise ValueError(f"at most {MAX_CANDIDATES} entries per request (got {len(v)})")
        return v


class _Refusal(Exception):
    def __init__(self, status: int, field: str, msg: str):
        self.status, self.field, self.msg = status, field, msg


def _error(field: str, msg: str, status: int = 422) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": [{"loc": ["body", field], "msg": msg, "type": "value_error"}],
                                                     "error": f"{field}: {msg}"})


def create_app(timeout_s: float = TIMEOUT_S, workers: int = WORKERS, queue_wait_s: float = 5.0) -> FastAPI:
    pool = WorkerPool(size=workers, timeout_s=timeout_s, queue_wait_s=queue_wait_s, mem_bytes=WORKER_MEMORY)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        pool.close()

    app = FastAPI(title="traincost", version=__version__, lifespan=lifespan,
                  description="What an LLM training run will cost, and why. The same schemas as the traincost CLI.")
    app.state.pool = pool
    app.add_middleware(BodyGuard, max_body=MAX_BODY)

    def heavy(kind: str, payload: dict[str, Any]) -> Any:
        try:
            status, value = pool.run(kind, payload)
        except WorkerBusy:
            raise _Refusal(503, "request", f"the server is busy ({workers} requests running); retry in a few seconds") from None
        except WorkerStopped as e:
            why = (f"took longer than {timeout_s:g} s" if str(e) == "deadline"
                   else f"ran out of its {WORKER_MEMORY // 1024**3} GiB of memory")
            raise _Refusal(503, "request", f"{why} and was stopped; ask for fewer candidates or samples") from None
        except WorkerBug as e:
            raise _Refusal(500, "internal", f"internal error ({e}); please report it") from None
        if status == "input":
            raise InputError(*value)
        return value

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
        msg = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
        if first.get("type") == "json_invalid":  # the loc is a character position, not a field
            loc, msg = [], f"not valid JSON (at character {first.get('loc', ('', '?'))[-1]}: {(first.get('ctx') or {}).get('error', msg)})"
        content = {"detail": [{k: v for k, v in err.items() if k in ("loc", "msg", "type")} for err in errs],
                   "error": f"{'.'.join(loc) or 'body'}: {msg}"}
        return JSONResponse(status_code=422, content=_jsonable(content))

    @app.post("/api/estimate", summary="Estimate a training run (the same fields as `traincost estimate`)")
    def api_estimate(req: WebScenario) -> dict[str, Any]:
        return heavy("estimate", req.model_dump(exclude_none=True))

    @app.post("/api/plan", summary="Search parallel layouts (or evaluate a fixed one)")
    def api_plan(req: WebPlanRequest) -> dict[str, Any]:
        return heavy("plan", req.model_dump(exclude_none=True))

    @app.post("/api/compare", summary="Compare candidate runs")
    def api_compare(req: CompareRequest) -> dict[str, Any]:
        from traincost.decide.compare import expand

        base = req.scenario.model_dump(exclude_none=True)
        overrides = [c.model_dump(exclude_none=True) for c in req.candidates] if req.candidates else None
        cands = expand(base, req.models, req.gpus_list, req.hardware, req.providers, overrides)
        if len(cands) > MAX_CANDIDATES:
            raise InputError("candidates", f"at most {MAX_CANDIDATES} candidates per request (got {len(cands)})")
        from traincost.schema import make_request

        for c in cands:
            make_request(WebScenario, c)  # every candidate passes the web rules too
        return heavy("compare", {"base": base, "candidates": cands, "deadline": req.deadline, "budget": req.budget,
                                 "partners": req.partners, "target_loss": req.target_loss})

    @app.post("/api/audit", summary="Check a claim: implied MFU and a verdict")
    def api_audit(req: WebAuditRequest) -> dict[str, Any]:
        return heavy("audit", req.model_dump(exclude_none=True))

    from traincost.present.web.routes import register

    register(app, WebScenario, CompareRequest, heavy)  # downloads: bill CSV/XLSX, report HTML (bounded workers)

    @app.get("/api/catalog", summary="Models, accelerators and providers for the form")
    async def api_catalog() -> dict[str, Any]:
        models = [{"id": m.id, "name": m.display_name, "params": m.arch.params, "family": m.family}
                  for m in catalog.models().values()]
        accs = [{"id": a.id, "name": a.name, "memory_gb": a.memory_gb, "node_size": a.node_size}
                for a in catalog.accelerators().values()]
        providers = sorted({p.provider for p in catalog.prices()})
        return {"models": models, "accelerators": accs, "providers": providers,
                "defaults": {k: v["value"] for k, v in catalog.defaults()["scenario"].items()}}

    @app.get("/healthz", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _jsonable(x: Any) -> Any:
    """Plain JSON types (NumPy scalars and exceptions in error contexts become floats and strings)."""
    import json

    return json.loads(json.dumps(x, default=lambda o: float(o) if hasattr(o, "__float__") else str(o)))


app = None  # created by `traincost serve` (or `uvicorn traincost.present.web.app:create_app --factory`)
