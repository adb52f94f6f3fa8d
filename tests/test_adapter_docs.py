"""docs/adapter.md documents every public method and attribute of ShopAdapter, and no other."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from django_llmshop.adapters import ShopAdapter

ADAPTER_DOC = Path(__file__).resolve().parent.parent / "docs" / "adapter.md"
HEADING = re.compile(r"^### `([a-z_]+)[(`]", re.MULTILINE)


def public_members() -> set[str]:
    return {name for name in dir(ShopAdapter) if not name.startswith("_")}


def documented() -> set[str]:
    return set(HEADING.findall(ADAPTER_DOC.read_text(encoding="utf-8")))


def test_the_lists_are_read() -> None:
    # Guards the tests below against a pattern or a walk that finds nothing.
    assert {"product_facts", "order_summary", "order_user_field"} <= public_members()
    assert {"product_facts", "order_summary", "order_user_field"} <= documented()


@pytest.mark.parametrize("name", sorted(public_members()))
def test_every_public_member_has_a_section(name: str) -> None:
    assert name in documented(), (
        f"ShopAdapter.{name} is public but docs/adapter.md has no '### `{name}' section: "
        "say what the package expects of it, its default, and who calls it"
    )


def test_no_section_names_a_member_that_is_gone() -> None:
    stale = documented() - public_members()
    assert not stale, f"docs/adapter.md documents members ShopAdapter lacks: {sorted(stale)}"
