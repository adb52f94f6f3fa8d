"""Importing past orders and view logs as shopper events: idempotent, batched, clear errors."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from django_llmshop.adapters import PastOrder, ShopAdapter, get_adapter
from django_llmshop.recommend.history import import_orders, purchase_events
from django_llmshop.recommend.models import ShopperEvent
from django_llmshop.recommend.services import record_order
from shop.models import Order, OrderItem


def place(user, products, number, days_ago=10, status=Order.Status.DELIVERED):
    order = Order.objects.create(
        user=user,
        number=number,
        status=status,
        placed_at=timezone.now() - timedelta(days=days_ago),
        shipping_address="1 Test Street",
    )
    for product in products:
        OrderItem.objects.create(order=order, product=product, unit_price=Decimal("20.00"))
    return order


@pytest.fixture
def orders(catalog):
    """Five orders of two shoppers; one cancelled, one with the same product on two lines."""
    users = get_user_model().objects
    ann = users.create_user("ann", password="x")
    bob = users.create_user("bob", password="x")
    b, k = catalog.bottles, catalog.knives
    place(ann, [b[0], b[1]], "A-1", days_ago=40)
    place(ann, [k[0], k[0], k[1]], "A-2", days_ago=5)
    place(bob, [b[0], b[1], b[2]], "B-1", days_ago=30)
    place(bob, [b[3]], "B-2", days_ago=1)
    place(bob, [k[2]], "B-3", days_ago=2, status=Order.Status.CANCELLED)
    return catalog


def run(*args) -> str:
    out = StringIO()
    call_command("llmshop_import_history", *args, stdout=out)
    return out.getvalue()


def purchases():
    rows = ShopperEvent.objects.filter(type="purchase").order_by("source")
    return list(rows.values_list("user__username", "product_id", "source"))


def test_orders_become_purchase_events_once(orders):
    out = run()
    events = purchases()
    # Eight products on non-cancelled orders; the repeated line counts once.
    assert len(events) == 8
    assert "4 orders gave 8 purchase events (8 new)" in out
    a1 = Order.objects.get(number="A-1")
    expected = ("ann", str(orders.bottles[0].pk), f"order:{a1.pk}:{orders.bottles[0].pk}")
    assert expected in events
    event = ShopperEvent.objects.get(source=expected[2])
    assert event.created == a1.placed_at

    again = run()
    assert purchases() == events
    assert "4 orders gave 8 purchase events (0 new)" in again


def test_batches_of_one_order_give_the_same_events(orders):
    seen = []
    counts = import_orders(get_adapter(), batch_size=1, progress=lambda c: seen.append(c.read))
    assert seen == [1, 2, 3, 4]
    assert (counts.read, counts.events, counts.added) == (4, 8, 8)
    batches = list(get_adapter().order_history(batch_size=3))
    assert [len(batch) for batch in batches] == [3, 1]


def test_since_limits_the_orders(orders):
    run("--since", (timezone.now() - timedelta(days=10)).date().isoformat())
    assert sorted(number for number in {s.split(":")[1] for _, _, s in purchases()}) == sorted(
        str(o.pk) for o in Order.objects.filter(number__in=["A-2", "B-2"])
    )


def test_a_live_order_and_its_import_make_one_event_each(orders):
    ann = get_user_model().objects.get(username="ann")
    order = Order.objects.get(number="A-1")
    assert record_order(ann, [item.product for item in order.items.all()], order=order) == 2
    assert record_order(ann, [item.product for item in order.items.all()], order=order) == 0
    run()
    assert len(purchases()) == 8


def test_guest_orders_are_kept_under_an_imported_token():
    events = purchase_events(
        [
            PastOrder("7", None, None, ("1", "2"), guest="Ann@Example.com"),
            PastOrder("8", None, None, ("3",), guest="ann@example.com "),
            PastOrder("9", None, None, ("4",)),
        ]
    )
    tokens = [e.session_key for e in events]
    # One guest (the address in any case) is one shopper; an order without one is its own.
    assert tokens[0] == tokens[1] == tokens[2] != tokens[3]
    assert all(t.startswith("import:") for t in tokens)
    assert all(e.user_id is None for e in events)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_view_log_is_imported_once(orders, tmp_path):
    ann = get_user_model().objects.get(username="ann")
    b = orders.bottles
    log = write(
        tmp_path,
        "views.csv",
        "user_id,session,product_id,created,type\n"
        f"{ann.pk},,{b[2].pk},2025-03-01T10:00:00,\n"
        f",visitor-9,{b[3].pk},2025-03-01,cart\n"
        f",visitor-9,{b[4].pk},1740790800,\n",  # 01:00 UTC,
    )
    out = run("--no-orders", "--views", log)
    assert "3 log rows gave 3 events (3 new)" in out
    rows = ShopperEvent.objects.exclude(source="").order_by("created")
    assert [(r.product_id, r.type) for r in rows] == [
        (str(b[3].pk), "cart"),
        (str(b[4].pk), "view"),
        (str(b[2].pk), "view"),
    ]
    assert rows[0].session_key.startswith("import:") and rows[0].session_key != "visitor-9"
    assert rows[2].user_id == ann.pk
    assert "(0 new)" in run("--no-orders", "--views", log)
    assert ShopperEvent.objects.count() == 3


def test_a_jsonl_view_log_with_ids(orders, tmp_path):
    b = orders.bottles
    lines = [
        {"id": "v1", "session": "s", "product_id": str(b[0].pk), "created": "2025-01-01"},
        {"id": "v2", "session": "s", "product_id": str(b[1].pk), "timestamp": 1735700000},
    ]
    log = write(tmp_path, "views.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n\n")
    run("--no-orders", "--views", log)
    assert ShopperEvent.objects.filter(type="view").count() == 2


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("views.txt", "x", "use a .csv or .jsonl file"),
        ("views.csv", "product,created\n1,2025-01-01\n", "line 1: the header needs a product_id"),
        ("views.csv", "product_id,created,session\n1,yesterday,s\n", "line 2: created must be"),
        ("views.csv", "product_id,created,session\n1,2025-01-01,s\n1,2025-01-01,\n",
         "line 3: name the shopper"),
        ("views.csv", "product_id,created,session,type\n1,2025-01-01,s,like\n",
         "line 2: type 'like' is not one of"),
        ("views.csv", "product_id,created,user_id\n1,2025-01-01,999999\n",
         "line 2: no user has id 999999"),
        ("views.csv", "product_id,created,user_id\n1,2025-01-01,ann\n",
         "line 2: user_id must be a whole number"),
        ("views.jsonl", '{"product_id": "1", "created": "2025-01-01", "session": "s"}\n{oops\n',
         "line 2: not valid JSON"),
        ("views.jsonl", "[1, 2]\n", "line 1: each line must be a JSON object"),
        ("views.csv", "product_id,created,session\n", "holds no rows"),
    ],
)  # fmt: skip
def test_a_bad_view_log_is_a_clear_error_and_writes_nothing(orders, tmp_path, name, text, message):
    log = write(tmp_path, name, text)
    with pytest.raises(CommandError) as raised:
        run("--views", log)
    assert message in str(raised.value) and log in str(raised.value)
    assert ShopperEvent.objects.count() == 0  # not even the orders: the log is checked first


def test_a_missing_or_binary_view_log(orders, tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        run("--views", str(tmp_path / "nothing.csv"))
    path = tmp_path / "views.csv"
    path.write_bytes(b"product_id,created\n\xff\xfe\n")
    with pytest.raises(CommandError, match="is not UTF-8"):
        run("--views", str(path))


def test_bad_options(orders):
    with pytest.raises(CommandError, match="--batch-size"):
        run("--batch-size", "0")
    with pytest.raises(CommandError, match="--since 'last year'"):
        run("--since", "last year")


def test_progress_lines_without_a_terminal(orders):
    out = run("--batch-size", "1")
    lines = [line for line in out.splitlines() if line.startswith("orders:") or "orders [" in line]
    # Not a TTY: a plain line at each tenth (here each order), no carriage returns.
    assert "\r" not in out and len(lines) == 4
    assert lines[-1].startswith("orders [##############################] 100% 4/4")
    assert out.splitlines()[-2].startswith("Imported history: 4 orders gave 8")


def test_a_terminal_gets_one_redrawn_bar(orders):
    class TTY(StringIO):
        def isatty(self):
            return True

    out = TTY()
    call_command("llmshop_import_history", "--batch-size", "2", stdout=out)
    text = out.getvalue()
    assert text.count("\r") == 2 and "orders [###############---------------]  50% 2/4" in text


class OscarLikeNames(ShopAdapter):
    order_history_date_field = "date_placed"


class NoLines(ShopAdapter):
    order_history_lines = "lines"


def test_an_adapter_that_names_a_missing_field_is_a_clear_error(orders, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "ADAPTER": f"{__name__}.OscarLikeNames"}
    with pytest.raises(CommandError, match="has no field 'date_placed': set order_history_date"):
        run()
    settings.LLMSHOP = {**settings.LLMSHOP, "ADAPTER": f"{__name__}.NoLines"}
    with pytest.raises(CommandError, match="has no field 'lines': set order_history_lines"):
        run()
    assert get_adapter().best_selling() == []  # serving without a model still works
    assert ShopperEvent.objects.count() == 0


def test_the_stored_key_lookup_reads_the_source_index(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from django_llmshop.recommend.history import write_events

    with CaptureQueriesContext(connection) as queries:
        write_events([ShopperEvent(session_key="s", product_id="1", type="view", source="k")])
    lookup = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT"))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {lookup}")
            plan = " ".join(str(row) for row in cursor.fetchall())
        else:
            cursor.execute("SET enable_seqscan = off")  # a tiny table: ask which index it can use
            cursor.execute(f"EXPLAIN {lookup}")
            plan = " ".join(row[0] for row in cursor.fetchall())
            cursor.execute("RESET enable_seqscan")
    assert "llmshop_rec_event_source_once" in plan
