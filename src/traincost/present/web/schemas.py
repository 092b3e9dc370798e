"""What the web API accepts: the CLI's request schemas, narrowed so that nothing in a request can make the
server read a file or use the network, with catalog names listed in the OpenAPI document and the per-request
limits of docs/limits.md."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from traincost import catalog
from traincost.errors import InputError
from traincost.schema import AuditRequest, Gpus, PlanRequest, Scenario

MAX_CANDIDATES = 20  # input limit (docs/limits.md): candidates per compare request
MAX_SAMPLES = 20_000  # input limit (docs/limits.md): Monte Carlo samples per request
MIN_SAMPLES = 100  # input limit: fewer Monte Carlo samples give no usable 90% range
MAX_NAME_LEN = 200  # input limit: length of a model, accelerator or provider name
MAX_SHORT_TEXT = 40  # input limit: length of a deadline, budget or target-loss text
MAX_PARTNERS_TEXT = 2000  # input limit: length of the partners list of a compare request


def _enum(values) -> Any:
    """OpenAPI: the names the server accepts (evaluated when the schema is generated)."""
    return lambda schema: schema.update(enum=sorted(values()))


def _gpu_names() -> set[str]:
    return {n for a in catalog.accelerators().values() for n in (a.id, *a.aliases)}


# what the web API accepts, stated in the OpenAPI document so generated requests use real names
CatalogModel = Annotated[
    str, Field(min_length=1, max_length=MAX_NAME_LEN, json_schema_extra=_enum(lambda: catalog.models()))
]
GpuName = Annotated[str, Field(min_length=1, max_length=MAX_NAME_LEN, json_schema_extra=_enum(_gpu_names))]
ProviderName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_NAME_LEN,
        json_schema_extra=_enum(lambda: {p.provider for p in catalog.prices()}),
    ),
]


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
    samples: Annotated[int, Field(ge=MIN_SAMPLES, le=MAX_SAMPLES)] | None = None
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
    deadline: Annotated[str, Field(min_length=1, max_length=MAX_SHORT_TEXT)] | None = None
    budget: Annotated[str, Field(min_length=1, max_length=MAX_SHORT_TEXT)] | None = None
    partners: Annotated[str, Field(min_length=1, max_length=MAX_PARTNERS_TEXT)] | None = None
    target_loss: Annotated[str, Field(min_length=1, max_length=MAX_SHORT_TEXT)] | None = (
        None  # cheapest (model, tokens) reaching this domain loss
    )

    @field_validator("models", "hardware", "providers", "gpus_list", "candidates", mode="after")
    @classmethod
    def _cap(cls, v):
        if v is not None and len(v) > MAX_CANDIDATES:
            raise ValueError(f"at most {MAX_CANDIDATES} entries per request (got {len(v)})")
        return v
