"""Signals of the core app.

``budget_threshold_reached(sender, budget, share, spent, limit, period)`` is sent once per budget,
period and share in ``LLMSHOP["BUDGET_ALERT_SHARES"]``, after the call whose cost took spending
to that share of the limit, once the alert's record is committed. ``sender`` is ``Budget``;
``budget`` the ``Budget`` row, or an unsaved ``Budget`` describing a limit from settings;
``share`` the share reached (``Decimal("0.8")``); ``spent`` and ``limit`` are ``Decimal``;
``period`` is ``"day"`` or ``"month"``.
"""

from django.dispatch import Signal

budget_threshold_reached = Signal()
