"""One error type for bad user input, so every front end (CLI, API, scenario files) reports it the same way."""

from __future__ import annotations


class InputError(ValueError):
    """Bad user input: names the field and what is accepted.

    The CLI prints ``str(err)`` on one line and exits with code 2; the web API answers 422.
    """

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
