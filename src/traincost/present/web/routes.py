"""Downloads for the web calculator: the bill as CSV or XLSX, and the report as one HTML file. They take the
same validated requests as /api/estimate and /api/compare (nothing in them can make the server read a file).

No `from __future__ import annotations` here: FastAPI reads the request types from the live annotations."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response

from traincost.decide.compare import expand
from traincost.errors import InputError
from traincost.present import answer
from traincost.schema import make_request

REPORT_SAMPLES = 2000  # Monte Carlo samples of a downloaded report when the request gives none (its ranges)
SLUG_CHARS = 60  # presentation: length of the model name in a download's file name


def _slug(d: dict[str, Any]) -> str:
    name = str(d.get("model") or "custom")
    return "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in name)[:SLUG_CHARS]


def answer_of(kind: str, result: Any) -> dict[str, Any]:
    """{headline, text} of a result, for the page (the terminal's first paragraph)."""
    fn = {
        "estimate": answer.estimate_paragraph,
        "compare": answer.compare_paragraph,
        "plan": answer.plan_paragraph,
        "audit": answer.audit_paragraph,
    }[kind]
    head, body = fn(result)
    return {"headline": head, "text": " ".join(s for s in body if s)}


def register(
    app: FastAPI, scenario_model: type, compare_model: type, heavy: Callable[[str, dict], Any]
) -> None:
    """Add the download endpoints to `app`; `scenario_model` and `compare_model` are the web request schemas and
    `heavy` runs a job in a bounded worker process (the same time and memory limits as the API)."""

    def csv_endpoint(req: scenario_model) -> Response:  # type: ignore[valid-type]
        body = heavy("bill_csv", req.model_dump(exclude_none=True))
        name = f"traincost-bill-{_slug(req.model_dump())}.csv"
        return Response(
            body, media_type="text/csv", headers={"content-disposition": f'attachment; filename="{name}"'}
        )

    def xlsx_endpoint(req: scenario_model) -> Response:  # type: ignore[valid-type]
        import base64

        data = base64.b64decode(heavy("bill_xlsx", req.model_dump(exclude_none=True)))
        name = f"traincost-bill-{_slug(req.model_dump())}.xlsx"
        return Response(
            data,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    def report_endpoint(req: compare_model) -> Response:  # type: ignore[valid-type]
        base = req.scenario.model_dump(exclude_none=True)
        cands = None
        if req.models or req.gpus_list or req.hardware or req.providers or req.candidates:
            overrides = [c.model_dump(exclude_none=True) for c in req.candidates] if req.candidates else None
            cands = expand(base, req.models, req.gpus_list, req.hardware, req.providers, overrides)
            for c in cands:
                make_request(scenario_model, c)  # every candidate passes the web rules (no server files)
        if base.get("samples") is None:
            base["samples"] = REPORT_SAMPLES
        html = heavy("report_html", {"base": base, "candidates": cands})
        name = f"traincost-report-{_slug(base)}.html"
        return Response(
            html, media_type="text/html", headers={"content-disposition": f'attachment; filename="{name}"'}
        )

    app.post(
        "/api/export/bill.csv",
        summary="The bill as CSV (the same request as /api/estimate)",
        response_class=Response,
    )(csv_endpoint)
    app.post(
        "/api/export/bill.xlsx",
        summary="The bill, ranges and assumptions as an Excel workbook (needs openpyxl)",
        response_class=Response,
    )(xlsx_endpoint)
    app.post(
        "/api/export/report.html",
        summary="The report as one self-contained HTML file (the request of /api/compare; "
        "candidates optional)",
        response_class=Response,
    )(report_endpoint)


__all__ = ["register", "answer_of", "InputError"]
