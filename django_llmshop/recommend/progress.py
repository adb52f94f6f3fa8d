"""A progress report for long imports: a bar redrawn in place on a terminal, lines otherwise."""

from __future__ import annotations

import time
from collections.abc import Callable

BAR_WIDTH = 30


class Progress:
    """Reports ``done`` of ``total`` (None: unknown) as work goes on, through ``write`` (which
    writes the text as given, and flushes).

    On a terminal the bar is redrawn on one line; in a log (not a TTY) a plain line is written
    at every tenth of the total, or every ``every`` units when the total is unknown.
    """

    def __init__(
        self,
        write: Callable[[str], None],
        label: str,
        total: int | None,
        tty: bool,
        every: int = 10_000,
    ) -> None:
        self.write, self.label, self.total, self.tty = write, label, total, tty
        self.every = max(1, (total // 10) if total else every)
        self.started = time.perf_counter()
        self.reported = 0
        self.drawn = False

    def update(self, done: int, detail: str = "") -> None:
        if self.tty:
            self._draw(done, detail, end="\r")
        elif done // self.every > self.reported // self.every:
            self._draw(done, detail, end="\n")
        self.reported = done

    def finish(self, done: int, detail: str = "") -> None:
        """The final state, on a line of its own."""
        if self.tty or done != self.reported or not self.drawn:
            self._draw(done, detail, end="\n")

    def _draw(self, done: int, detail: str, end: str) -> None:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        rate = f"{done / elapsed:,.0f}/s"
        if self.total:
            share = min(done / self.total, 1.0)
            filled = int(share * BAR_WIDTH)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            text = f"{self.label} [{bar}] {share:4.0%} {done:,}/{self.total:,} {rate}"
        else:
            text = f"{self.label}: {done:,} {rate}"
        if detail:
            text = f"{text}, {detail}"
        self.write(text.ljust(79) + end if end == "\r" else text + end)
        self.drawn = True
