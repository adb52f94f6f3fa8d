"""Demo help pages: which Markdown file in ``shop/demo_content`` becomes which page."""

from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent.parent / "demo_content"

#: (slug, kind); the file is ``<slug>.md`` and its first "# " heading is the page title.
PAGES = [
    ("returns-policy", "policy"),
    ("shipping-policy", "policy"),
    ("warranty", "policy"),
    ("payment-and-invoices", "policy"),
    ("privacy", "policy"),
    ("faq", "faq"),
]


def read_page(slug: str) -> tuple[str, str]:
    """The title and Markdown body of a demo page."""
    body = (CONTENT_DIR / f"{slug}.md").read_text(encoding="utf-8")
    first_line = body.lstrip().splitlines()[0]
    title = first_line.removeprefix("# ").strip() if first_line.startswith("# ") else slug
    return title, body
