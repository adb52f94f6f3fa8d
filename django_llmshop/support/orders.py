"""Order answers composed from the shopper's own order: status, dates, carrier, items, total.

An order number that is not the shopper's gets exactly the answer of one that does not exist,
so the chat never tells anyone whether someone else's order exists.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from django_llmshop.adapters import get_adapter
from django_llmshop.support.products import money
from django_llmshop.support.tools import ChatContext, order_entry

RECENT_ORDERS = 3


def _date(order: Any, name: str, summary: dict[str, Any] | None = None) -> str:
    """The order's date ``name`` for a sentence: from the order object when it has one, else
    from the adapter's summary (an ISO date or date-time, as a shop framework's adapter gives
    it when its order names the field differently, e.g. Oscar's ``date_placed``)."""
    value: Any = getattr(order, name, None)
    if not isinstance(value, date) and summary and summary.get(name):
        try:
            value = datetime.fromisoformat(str(summary[name]))
        except ValueError:
            return ""
    if not isinstance(value, date):
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "DATE_FORMAT")


def _status_sentence(order: Any, summary: dict[str, Any]) -> str:
    status = str(getattr(order, "status", "") or "")
    values = {
        "number": summary["number"],
        "status": summary.get("status", status),
        "carrier": summary.get("carrier") or _("the carrier"),
        "shipped": _date(order, "shipped_at", summary),
        "delivered": _date(order, "delivered_at", summary),
    }
    if status == "pending":
        return _("Order **%(number)s** is waiting for payment.") % values
    if status == "paid":
        return _("Order **%(number)s** is paid and is being prepared for shipping.") % values
    if status == "shipped":
        if values["shipped"]:
            return _("Order **%(number)s** was shipped on %(shipped)s with %(carrier)s.") % values
        return _("Order **%(number)s** has been shipped with %(carrier)s.") % values
    if status == "delivered":
        if values["delivered"]:
            return _("Order **%(number)s** was delivered on %(delivered)s.") % values
        return _("Order **%(number)s** has been delivered.") % values
    if status == "cancelled":
        return _("Order **%(number)s** was cancelled.") % values
    if status == "returned":
        return _("Order **%(number)s** was returned to us.") % values
    return _("Order **%(number)s**: %(status)s.") % values


def describe_order(ctx: ChatContext, order: Any) -> str:
    """Everything the shopper may want to know about their order, with its source marker."""
    entry = order_entry(ctx, order)
    lines = [_status_sentence(order, entry)]
    if entry.get("tracking_number"):
        lines.append(_("Tracking number: %(tracking)s") % {"tracking": entry["tracking_number"]})
    items = [f"{item['quantity']} × {item['product']}" for item in entry.get("items", [])]
    if items:
        lines.append(_("Items: %(items)s") % {"items": ", ".join(items)})
    if entry.get("total"):
        total = money(entry["total"], entry.get("currency", ""))
        lines.append(_("Total: %(total)s") % {"total": total})
    placed = _date(order, "placed_at", entry)
    if placed:
        lines.append(_("Placed on %(date)s.") % {"date": placed})
    return "\n".join(f"- {line}" if i else line for i, line in enumerate(lines)) + (
        f" [{entry['source']}]"
    )


def order_answer(ctx: ChatContext, number: str | None) -> str:
    """The answer to an order question: one order by number, or the shopper's recent ones."""
    if ctx.user is None:
        return _(
            "Please log in to your account first; then I can look up your orders here. "
            "Your orders are also listed under My orders once you are logged in."
        )
    adapter = get_adapter()
    if number:
        order = adapter.get_order_for_user(ctx.user, number)
        if order is None:
            return _(
                "I can't find an order %(number)s in your account. Please check the number; "
                "all your orders are listed under My orders."
            ) % {"number": number}
        return describe_order(ctx, order)
    orders = adapter.orders_for_user(ctx.user, limit=RECENT_ORDERS)
    if not orders:
        return _("I can't find any orders in your account yet.")
    if len(orders) == 1:
        return describe_order(ctx, orders[0])
    parts = [_("Here are your most recent orders:")]
    parts += [describe_order(ctx, order) for order in orders]
    parts.append(_("Ask me about one of them by its number for more detail."))
    return "\n\n".join(parts)
