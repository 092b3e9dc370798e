"""One error type for bad user input, so every front end (CLI, API, scenario files) reports it the same way."""

from __future__ import annotations


def printable(text: str) -> str:
    """`text` on one printable line: control characters and line breaks that a user's input may carry into a
    message (an accelerator named "a\nb") are shown escaped, so an error stays one line."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text)
    )


class InputError(ValueError):
    """Bad user input: names the field and what is accepted.

    The CLI prints ``str(err)`` on one line and exits with code 2; the web API answers 422.
    """

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message = printable(message)
        super().__init__(f"{field}: {message}")
