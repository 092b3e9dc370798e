"""Tables that fit the terminal without cutting a number or a name.

Numbers and names sit in columns that never wrap; free text wraps at spaces (and folds a word longer than
its column, so no character is lost); when even that is too wide, the least useful columns are dropped
first; long sources become numbered references printed below the table.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

# presentation: a wrapping column is never squeezed below 16 characters
MIN_WRAP_WIDTH = 16
# a width no table reaches: measures every column at its widest
UNBOUNDED_WIDTH = 100_000
PIPE_WIDTH = 170  # a pipe or file without COLUMNS gets a wide layout instead of Rich's 80 columns


def console(stderr: bool = False) -> Console:
    """A console as wide as the terminal; when piped, as wide as $COLUMNS says (else PIPE_WIDTH)."""
    stream = sys.stderr if stderr else sys.stdout
    cols = os.environ.get("COLUMNS", "")
    width = None if stream.isatty() or cols.isdigit() else PIPE_WIDTH
    return Console(stderr=stderr, highlight=False, width=width)


@dataclass(frozen=True)
class Col:
    header: str
    justify: str = "left"
    wrap: bool = False  # free text that may wrap; numbers and names never do
    keep: int = 100  # drop order when too wide: the lowest goes first; 100 is never dropped
    style: str | None = None
    source: bool = False  # long citations: shown as [n] with the text in a reference list


class Refs:
    """Numbered references shared by the tables of one output."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def ref(self, text: str) -> str:
        text = " ".join(str(text).split())
        if not text or text == "-":
            return ""
        if text not in self.items:
            self.items.append(text)
        return f"[{self.items.index(text) + 1}]"

    def print(self, con: Console, title: str = "sources") -> None:
        if self.items:
            con.print(f"[bold]{title}[/]")
            for i, t in enumerate(self.items, 1):
                con.print(f"[dim]\\[{i}] {_esc(t)}[/]")


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _build(
    cols: list[Col],
    rows: list[list[str]],
    keep: list[int],
    title: str | None,
    box_=box.SIMPLE_HEAD,
    show_header: bool = True,
    fold_all: bool = False,
) -> Table:
    t = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box_,
        pad_edge=False,
        show_header=show_header,
    )
    for i in keep:
        c = cols[i]
        t.add_column(
            c.header, justify=c.justify, style=c.style, no_wrap=not (c.wrap or fold_all), overflow="fold"
        )
    for row in rows:
        t.add_row(*(row[i] for i in keep))
    return t


def _widths(col: Col, cells: list[str]) -> tuple[int, int]:
    """(widest, least acceptable) width of a column: a number or name column needs its widest cell; a text
    column its longest word, and at least 16 cells (or its widest cell, if narrower)."""
    from rich.cells import cell_len
    from rich.text import Text

    plain = [Text.from_markup(c).plain if isinstance(c, str) else str(c) for c in cells] + [col.header]
    widest = max(cell_len(p) for p in plain)
    if not col.wrap:
        return widest, widest
    word = max((cell_len(w) for p in plain for w in p.split()), default=1)
    return widest, min(widest, max(word, MIN_WRAP_WIDTH))


def fit_table(
    con: Console,
    cols: list[Col],
    rows: list[list[str]],
    title: str | None = None,
    refs: Refs | None = None,
    box_=box.SIMPLE_HEAD,
    show_header: bool = True,
) -> Table:
    """A Rich table of `rows` that fits `con.width`: source columns become [n] references (added to `refs`),
    then columns are dropped by ascending `keep` until the no-wrap columns fit."""
    if refs is not None:
        rows = [[refs.ref(v) if c.source else v for c, v in zip(cols, row, strict=True)] for row in rows]
    keep = list(range(len(cols)))
    widths = [_widths(c, [row[i] for row in rows]) for i, c in enumerate(cols)]
    while True:
        t = _build(cols, rows, keep, title, box_, show_header)
        full = Measurement.get(
            con, con.options.update_width(UNBOUNDED_WIDTH), t
        ).maximum  # every column at its widest, with padding and edges
        need = full - sum(widths[i][0] for i in keep) + sum(widths[i][1] for i in keep)
        droppable = [i for i in keep if cols[i].keep < 100]
        if need <= con.width:
            return t
        if not droppable:  # a very narrow terminal: fold every column rather than cut a character
            return _build(cols, rows, keep, title, box_, show_header, fold_all=True)
        keep.remove(min(droppable, key=lambda i: (cols[i].keep, -i)))


def paragraph(con: Console, headline: str, rest: list[str]) -> None:
    """The answer: a bold first line, then the sentences of the paragraph (wrapped at the console width)."""
    con.print(f"[bold]{_esc(headline)}[/]")
    text = " ".join(s for s in rest if s)
    if text:
        con.print(_esc(text))
