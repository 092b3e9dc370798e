"""An ASGI middleware that bounds what a request body can cost before any of it is parsed.

It counts the bytes as they arrive (a ``Content-Length`` header is not needed and not trusted: chunked
bodies are counted the same way) and answers 413 as soon as a body passes ``max_body``, without reading
the rest. A JSON body that is deeper than ``max_depth`` or that holds text which is not valid Unicode (a
lone UTF-16 surrogate such as ``"\\ud800"``) is answered 422 naming where it is.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

MAX_DEPTH = 32  # input limit (docs/limits.md): JSON nesting depth of a request body
QUOTE, BACKSLASH = ord('"'), ord("\\")  # JSON string delimiter and escape, as bytes
OPENERS, CLOSERS = frozenset(b"[{"), frozenset(b"]}")  # JSON nesting brackets, as bytes


def _error(status: int, field: str, msg: str) -> tuple[int, bytes]:
    loc = ["body"] if field == "body" else ["body", *field.split(".")]
    body = {"detail": [{"loc": loc, "msg": msg, "type": "value_error"}], "error": f"{field}: {msg}"}
    return int(status), json.dumps(body).encode()


def check_json(raw: bytes, max_depth: int = MAX_DEPTH) -> tuple[str, str] | None:
    """(field, message) when a JSON body is too deep or holds invalid text; None when it is fine or is not
    JSON at all (FastAPI reports that)."""
    if _nesting_depth_over(raw, max_depth):
        return "body", f"JSON nested deeper than {max_depth} levels"
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return _invalid_text(data)


def _nesting_depth_over(raw: bytes, max_depth: int) -> bool:
    """Whether the brackets outside strings nest deeper than max_depth: a byte scan, without recursion,
    before anything is parsed."""
    cur = 0
    in_str = esc = False
    for b in raw:
        if in_str:
            if esc:
                esc = False
            elif b == BACKSLASH:
                esc = True
            elif b == QUOTE:
                in_str = False
        elif b == QUOTE:
            in_str = True
        elif b in OPENERS:
            cur += 1
            if cur > max_depth:
                return True
        elif b in CLOSERS:
            cur -= 1
    return False


def _invalid_text(data: Any) -> tuple[str, str] | None:
    """Where a parsed JSON document holds a key or string that is not valid Unicode (a lone surrogate)."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, x = stack.pop()
        items = x.items() if isinstance(x, dict) else enumerate(x) if isinstance(x, list) else ()
        for k, v in items:
            where = f"{path}.{k}" if path else str(k)
            for s in (k, v):
                if isinstance(s, str):
                    try:
                        s.encode("utf-8")
                    except UnicodeEncodeError:
                        return where, "text must be valid Unicode (it holds a lone UTF-16 surrogate)"
            stack.append((where, v))
    return None


class BodyGuard:
    def __init__(self, app, max_body: int, max_depth: int = MAX_DEPTH):
        self.app, self.max_body, self.max_depth = app, max_body, max_depth

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        size = headers.get(b"content-length")
        if size is not None and (not size.isdigit() or int(size) > self.max_body):
            return await self._send(
                send,
                *_error(
                    HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                    "body",
                    f"request body over {self.max_body // 1024} KiB",
                ),
            )
        body = bytearray()
        more = True
        while more:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return None
            body += msg.get("body", b"")
            more = msg.get("more_body", False)
            if len(body) > self.max_body:  # stop reading: the rest is never received
                return await self._send(
                    send,
                    *_error(
                        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                        "body",
                        f"request body over {self.max_body // 1024} KiB",
                    ),
                )
        ctype = headers.get(b"content-type", b"")
        if body and b"json" in ctype:
            bad = check_json(bytes(body), self.max_depth)
            if bad:
                return await self._send(send, *_error(HTTPStatus.UNPROCESSABLE_ENTITY, *bad))
        done = False

        async def replay():
            nonlocal done
            if not done:
                done = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    @staticmethod
    async def _send(send, status: int, payload: bytes) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})
