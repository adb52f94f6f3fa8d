"""Letting go of this thread's database connections while it waits on something else.

A chat stream waits on the stream buffer and a reply task on the model's tokens, for seconds;
a connection held meanwhile counts against PostgreSQL's ``max_connections`` (or a pool's size)
for nothing. With Django's psycopg pool, closing hands the connection back to the pool.
"""

from __future__ import annotations

from django.db import connections


def release_connections() -> None:
    """Close this thread's database connections, unless a transaction is open on one."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()
