"""What the chat load benchmark records of each shopper, samples while a level runs, and prints."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

T = TypeVar("T")


@dataclass
class Outcome:
    """One shopper: times in seconds; ``first_token`` already has the endpoint's part taken off."""

    error: str = ""
    first_token: float | None = None
    whole: float | None = None
    text: str = ""
    final: str = ""
    final_text: str | None = None
    opened: float | None = None
    closed: float | None = None
    #: Django only: from sending the message to its 202.
    accepted: float | None = None


class Sampler:
    """Every 0.2 s while a level runs: PostgreSQL connections to the benchmark database (from
    pg_stat_activity, this sampler's own left out) and the web server's threads."""

    def __init__(self, db_name: str, threads: Callable[[], int]) -> None:
        self.db_name = db_name
        self.threads = threads
        self.reset()

        #: Streams open and other requests in flight now (kept by the load generator).
        self.open_streams = 0
        self.requests = 0

    def reset(self) -> None:
        self.connections: list[int] = []
        self.thread_counts: list[int] = []
        #: (connections, threads) sampled while only streams were open, at least 90 % of them.
        self.steady: list[tuple[int, int]] = []
        self.level = 0

    def _connect(self) -> object:
        import dj_database_url
        import psycopg

        conf = dj_database_url.parse(os.environ["DATABASE_URL"])
        return psycopg.connect(
            host=conf.get("HOST") or "127.0.0.1",
            port=conf.get("PORT") or 5432,
            user=conf.get("USER") or "postgres",
            password=conf.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        )

    def _count(self, db: object) -> int:
        sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        row = db.execute(sql, [self.db_name]).fetchone()  # type: ignore[attr-defined]
        return int(row[0])

    async def around(self, work: Awaitable[T]) -> T:
        db = await asyncio.to_thread(self._connect)
        stop = asyncio.Event()

        async def sample() -> None:
            while not stop.is_set():
                streams_only = self.requests == 0 and self.open_streams >= 0.9 * self.level
                self.connections.append(await asyncio.to_thread(self._count, db))
                self.thread_counts.append(self.threads())
                if streams_only and self.requests == 0:
                    self.steady.append((self.connections[-1], self.thread_counts[-1]))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 0.2)

        sampling = asyncio.create_task(sample())
        try:
            return await work
        finally:
            stop.set()
            await sampling
            db.close()  # type: ignore[attr-defined]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def peak_open(outcomes: list[Outcome]) -> int:
    moments = []
    for o in outcomes:
        if o.opened is not None and o.closed is not None:
            moments += [(o.opened, 1), (o.closed, -1)]
    open_now = peak = 0
    for _at, step in sorted(moments):
        open_now += step
        peak = max(peak, open_now)
    return peak


def ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q) * 1000:7.1f}" if values else "      -"


def report(
    name: str,
    level: int,
    outcomes: list[Outcome],
    answer: str,
    elapsed: float,
    cpu: dict[str, float],
    sampler: Sampler,
) -> None:
    errors = [o.error for o in outcomes if o.error]
    done = [o for o in outcomes if not o.error]
    lost = sum(1 for o in done if o.text.strip() != answer or o.final_text not in (None, answer))
    first = [o.first_token for o in done if o.first_token is not None]
    whole = [o.whole for o in done if o.whole is not None]
    print(f"\n[{name}] {level} shoppers, {elapsed:.1f} s, peak open streams {peak_open(outcomes)}")
    print(f"  first token - endpoint's  p50 {ms(first, .5)}  p95 {ms(first, .95)}  "
          f"p99 {ms(first, .99)} ms")  # fmt: skip
    print(f"  whole reply               p50 {ms(whole, .5)}  p95 {ms(whole, .95)}  "
          f"p99 {ms(whole, .99)} ms")  # fmt: skip
    accepted = [o.accepted for o in done if o.accepted is not None]
    if accepted:
        print(f"  of which message POST    p50 {ms(accepted, .5)}  p95 {ms(accepted, .95)}  "
              f"p99 {ms(accepted, .99)} ms")  # fmt: skip
    print(f"  errors {len(errors)}, lost or truncated {lost}")
    for error in sorted(set(errors))[:5]:
        print(f"    {errors.count(error)} x {error}")
    if name == "django":
        print(f"  PostgreSQL connections: peak {max(sampler.connections, default=0)}; "
              f"web server threads: peak {max(sampler.thread_counts, default=0)}")  # fmt: skip
        if sampler.steady:
            print(f"  while only the streams were open ({len(sampler.steady)} samples): "
                  f"PostgreSQL connections max {max(c for c, _ in sampler.steady)}, "
                  f"web server threads max {max(t for _, t in sampler.steady)}")  # fmt: skip
    print("  CPU s: " + ", ".join(f"{role} {seconds:.1f}" for role, seconds in cpu.items()))


def print_failed_replies(since: datetime) -> None:
    """Why the replies created since ``since`` failed, from their rows (the stream's ``error``
    event carries only the shopper's text)."""
    from django.db.models import Count

    from django_llmshop.support.models import Message

    failed = (
        Message.objects.filter(created_at__gte=since, status=Message.Status.FAILED)
        .values("error")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    for row in failed[:5]:
        print(f"    failed reply: {row['n']} x {row['error'][:150]!r}")
