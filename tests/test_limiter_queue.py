"""The shared queue tells each admitted caller its process's fair share of the slots: the
concurrency divided among the processes that hold or wait for slots. And the limiter's Redis
connections open without extra round trips."""

from __future__ import annotations

import threading

import redis

from django_llmshop.llm.limiter import Lease, SharedLimiter
from tests.test_limiter import fresh_name, limiter, redis_url  # noqa: F401 - redis_url: fixture


def in_process(url: str, name: str, process: str) -> SharedLimiter:
    """A limiter of four slots that names its holders as ``process`` would."""
    shared = limiter(url, name, concurrency=4)
    shared._host = process
    return shared


def test_the_share_counts_the_processes_holding_and_waiting(redis_url: str) -> None:  # noqa: F811
    name = fresh_name()
    queue = f"{{llmshop:limit:{name}}}:queue"
    shared = limiter(redis_url, name, concurrency=4)
    first = shared.acquire(0, timeout=1)
    assert first is not None and first.share == 4  # the one process
    redis.Redis.from_url(redis_url).rpush(queue, "elsewhere:1:0123456789ab")
    second = shared.acquire(0, timeout=1)
    assert second is not None and second.share == 2
    other = in_process(redis_url, name, "third:3")
    third = other.acquire(0, timeout=1)
    assert third is not None and third.share == 2  # ceil(4 / 3)
    for lease, owner in ((first, shared), (second, shared), (third, other)):
        owner.release(lease)


def test_a_slot_handed_over_tells_the_share_of_its_new_holder(
    redis_url: str,  # noqa: F811
) -> None:
    name = fresh_name()
    holder = in_process(redis_url, name, "a:1")
    leases = [holder.acquire(0, timeout=1) for _ in range(4)]
    assert None not in leases
    woken: dict[str, Lease | None] = {}

    def wait(label: str, shared: SharedLimiter) -> None:
        woken[label] = shared.acquire(0, timeout=10)
        if woken[label] is not None:
            shared.release(woken[label])  # on to the next waiter

    queue = f"{{llmshop:limit:{name}}}:queue"
    client = redis.Redis.from_url(redis_url)
    waiters = []
    for label, process in (("b", "b:2"), ("a", "a:1")):  # b first, then another call of a
        waiters.append(
            threading.Thread(target=wait, args=(label, in_process(redis_url, name, process)))
        )
        waiters[-1].start()
        for _ in range(1000):  # queued, in this order
            if client.llen(queue) == len(waiters):
                break
            threading.Event().wait(0.01)
        assert client.llen(queue) == len(waiters)
    holder.release(leases.pop())  # to b, while a's call still waits
    for waiter in waiters:
        waiter.join(timeout=15)
    b, a = woken["b"], woken["a"]
    assert b is not None and b.share == 2  # a held three and waited for one more
    assert a is not None and a.share == 4  # when b gave it back, a alone held slots
    for lease in leases:
        holder.release(lease)


def test_the_limiter_connections_skip_client_setinfo(redis_url: str) -> None:  # noqa: F811
    shared = limiter(redis_url, fresh_name(), concurrency=1)
    lease = shared.acquire(0, timeout=1)
    assert lease is not None
    shared.release(lease)
    connection = shared._client().connection_pool.get_connection()
    # redis-py 7 and later name it driver_info, older ones lib_name: None sends no SETINFO
    assert getattr(connection, "driver_info", None) is None
    assert getattr(connection, "lib_name", None) is None
