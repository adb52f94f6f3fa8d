"""Signal receivers: a shopper's anonymous events follow them into their account at login."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in


def _adopt(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from django_llmshop.recommend.services import adopt_events

    if request is not None:
        adopt_events(request, user)


def connect() -> None:
    user_logged_in.connect(_adopt, dispatch_uid="llmshop_recommend_adopt")
