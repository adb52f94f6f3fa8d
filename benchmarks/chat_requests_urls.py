"""The test suite's URLs, and the plain view that ``benchmarks/chat_requests.py`` compares with."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from tests.urls import urlpatterns as shop_urlpatterns


def plain(request: HttpRequest) -> JsonResponse:
    """A sync view that reads the session, as the chat's views do, and answers a little JSON."""
    return JsonResponse({"shopper": bool(request.session.get("llmshop_shopper"))})


urlpatterns = [path("bench/plain/", plain), *shop_urlpatterns]
