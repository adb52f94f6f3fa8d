"""Who the shopper is: one session token, user-or-session ownership and the login carry-over.

A logged-in shopper is their user; an anonymous one is a random token kept in their session
under :data:`SESSION_KEY` (a token rather than Django's session key, because login changes the
session key but keeps the session's data). What a sub-app keeps for a shopper (conversations,
shopper events) stores both: a ``user`` foreign key and the token in ``session_key``.

At login the anonymous shopper's rows follow them into their account. Each sub-app registers
how its rows move with :func:`on_carry_over` in its ``AppConfig.ready()``, and the one receiver
here calls every registered hand-over, so this module imports no sub-app.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.signals import user_logged_in
from django.db import models, transaction
from django.http import HttpRequest

#: The session key of the anonymous shopper's token, shared by the chat and recommendations.
SESSION_KEY = "llmshop_shopper"
#: Where the support chat kept a token of its own before the sub-apps shared one. A session
#: that still holds it is read once: that token becomes the shared one (if the session had a
#: different shared token too, that token's rows move to it) and the old key is removed.
OLD_CHAT_SESSION_KEY = "llmshop_chat_owner"

_M = TypeVar("_M", bound=models.Model)


@dataclass(frozen=True)
class Shopper:
    """A logged-in user (``user_id``) or an anonymous session's token (``session_key``)."""

    user_id: Any = None
    session_key: str = ""

    @property
    def key(self) -> str:
        """A string that tells shoppers apart, e.g. in cache keys."""
        return f"u:{self.user_id}" if self.user_id is not None else f"s:{self.session_key}"

    def as_filter(self) -> models.Q:
        """The rows this shopper owns: the user's, or the token's rows that have no user."""
        if self.user_id is not None:
            return models.Q(user_id=self.user_id)
        return models.Q(user__isnull=True, session_key=self.session_key)

    def as_owner(self) -> dict[str, Any]:
        """The field values that make a row this shopper's, for ``QuerySet.update()``."""
        if self.user_id is not None:
            return {"user_id": self.user_id}
        return {"session_key": self.session_key}


#: ``hand_over(token, owner)`` gives the rows of anonymous session ``token`` to ``owner`` and
#: returns how many it moved.
HandOver = Callable[[str, Shopper], int]
_hand_overs: list[HandOver] = []


def request_user(request: HttpRequest) -> Any:
    """The request's logged-in user, or None."""
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def session_token(request: HttpRequest, *, create: bool = False) -> str:
    """The anonymous shopper's token from the session ("" when there is none yet)."""
    session = getattr(request, "session", None)
    if session is None:
        return ""
    token = str(session.get(SESSION_KEY) or "")
    if OLD_CHAT_SESSION_KEY in session:
        token = _take_over_chat_token(session, token)
    if not token and create:
        token = secrets.token_urlsafe(24)
        session[SESSION_KEY] = token
    return token


def _take_over_chat_token(session: Any, token: str) -> str:
    # The chat's token wins: a conversation the view has already loaded still matches it,
    # while events are only ever looked up by the token after this.
    old = str(session.pop(OLD_CHAT_SESSION_KEY) or "")
    if not old:
        return token
    session[SESSION_KEY] = old
    if token and token != old:
        carry_over(token, Shopper(session_key=old))
    return old


def as_shopper(who: Any, *, create: bool = False) -> Shopper | None:
    """The shopper behind a request, a user, a token string or a ``Shopper`` (None: nobody).

    ``create`` gives an anonymous request a token when it has none yet.
    """
    if who is None or isinstance(who, Shopper):
        return who
    if isinstance(who, str):
        return Shopper(session_key=who) if who else None
    if isinstance(who, HttpRequest):
        user = request_user(who)
        if user is not None:
            return Shopper(user_id=user.pk)
        token = session_token(who, create=create)
        return Shopper(session_key=token) if token else None
    if getattr(who, "is_authenticated", False):
        return Shopper(user_id=who.pk)
    return None


def owns(request: HttpRequest, obj: Any) -> bool:
    """Whether the request's shopper owns ``obj`` (a row with ``user_id`` and ``session_key``).

    Staff are no exception: a shopper's conversation is theirs alone on the shopper's side.
    """
    user = request_user(request)
    if user is not None:
        return bool(obj.user_id == user.pk)
    token = session_token(request)
    return bool(token and obj.user_id is None and obj.session_key == token)


def owned(request: HttpRequest, rows: models.QuerySet[_M]) -> models.QuerySet[_M]:
    """The rows of ``rows`` that the request's shopper owns (none for a shopper without any)."""
    shopper = as_shopper(request)
    return rows.none() if shopper is None else rows.filter(shopper.as_filter())


def hand_over(rows: models.QuerySet[Any], token: str, owner: Shopper) -> int:
    """Give the anonymous rows of session ``token`` among ``rows`` to ``owner``."""
    if not token:
        return 0
    return rows.filter(user__isnull=True, session_key=token).update(**owner.as_owner())


def on_carry_over(move: HandOver) -> None:
    """Register a sub-app's ``hand_over(token, owner)``, called at each login (``owner``: the
    user) and once for a session that holds both the chat's old token and another shared one
    (``owner``: the chat's token). Registering the same function again changes nothing."""
    if move not in _hand_overs:
        _hand_overs.append(move)
    user_logged_in.connect(_logged_in, dispatch_uid="llmshop.shoppers.carry_over")


def carry_over(token: str, owner: Shopper) -> int:
    """Move everything kept for anonymous session ``token`` to ``owner``; how many rows moved."""
    if not token:
        return 0
    with transaction.atomic():
        return sum(move(token, owner) for move in _hand_overs)


def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or user is None or user.pk is None:
        return
    carry_over(session_token(request), Shopper(user_id=user.pk))
