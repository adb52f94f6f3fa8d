"""Template tags of the support chat: ``{% load llmshop_chat %}`` then ``{% llmshop_chat %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string

from django_llmshop import shoppers
from django_llmshop.support.views import widget_context

register = template.Library()


@register.simple_tag(takes_context=True)
def llmshop_chat(context: template.Context) -> str:
    """The floating support chat; needs the request in the template context."""
    request = context.get("request")
    if request is None:
        return ""
    if not getattr(getattr(request, "user", None), "is_authenticated", False):
        # The page's own response sets the session cookie, so the requests the page makes next
        # (the widget's, a recommendations block's, a tracking ping) share one session instead
        # of each starting its own, the last of which would leave the chat with another token.
        shoppers.session_token(request, create=True)
    data: dict[str, Any] = widget_context(request)
    data["csrf_token"] = context.get("csrf_token", "")
    return (  # render_to_string gives safe HTML: the template escapes what it renders
        render_to_string("django_llmshop/support/widget.html", data, request=request)
    )
