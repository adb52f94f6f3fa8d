"""Signal receivers: a shopper's anonymous events and tracking rows follow them into their
account at login."""

from __future__ import annotations

from django_llmshop import shoppers
from django_llmshop.recommend.services import hand_over_events
from django_llmshop.recommend.tracking import hand_over_tracking


def connect() -> None:
    shoppers.on_carry_over(hand_over_events)
    shoppers.on_carry_over(hand_over_tracking)
