"""Prompt and format debris in a draft: JSON fragments, role markers, AI disclaimers, markup.

A small model leaks pieces of its prompt and of the JSON it was asked for into the prose
("- ]. The items in this JSON are not the actual item…"). None of these belong in shop copy,
whatever the product, so they are found by their shape alone; the record is consulted only so
that a phrase the product itself uses (a book called "JSON Object Design") is not flagged.
"""

from __future__ import annotations

import re

from .findings import Finding

# Phrases that only a model talking about its task writes (English and Chinese).
_PHRASES = re.compile(
    r"\bas an? (?:AI|artificial intelligence|language model|LLM)\b"
    r"|\b(?:I am|I'm) (?:an AI|a language model|sorry)\b"
    r"|\bI (?:cannot|can't|can not) (?:help|provide|write|assist)\b"
    r"|\b(?:the|this|these|that|above|following) (?:items? in (?:this|the) )?JSON\b"
    r"|\bJSON (?:object|format|keys?|data|array|output|reply|response)\b"
    r"|\b(?:product record|the record says|(?:this|the given|the above|your) prompt|prompt:"
    r"|these instructions|reviewer's note)"
    r"|\b(?:here is|here's|below is) (?:the|a|your) (?:product )?(?:description|json|copy|text)\b"
    r"|\b(?:lorem ipsum|insert (?:product )?name here)\b"
    r"|作为(?:一个|一名)?(?:AI|人工智能|语言模型)|我是(?:一个)?(?:AI|人工智能|语言模型)"
    r"|(?:以下|下面)是.{0,6}(?:JSON|描述|文案)|产品记录|JSON(?:对象|格式|键|数据)",
    re.I,
)
# Chat-template and role markers: "<|im_start|>", "assistant:", "### Response".
_ROLE = re.compile(
    r"<\|[a-z_]+\|>|</?s>|\[/?INST\]"
    r"|(?:^|\n)\s*(?:system|user|assistant|human|AI|bot|response|answer|output)\s*:"
    r"|(?:^|\n)\s*#{1,6}\s*(?:response|answer|output|instruction|input)\b",
    re.I,
)
# JSON syntax in prose: keys, key/value joints, brackets and braces next to quotes or commas.
_JSON = re.compile(
    r"\"\s*:\s*[\"\[{]|[\[{]\s*\"|\"\s*[\]}]|\"[a-z_]+\"\s*:"
    r"|(?:(?:^|\n)[\s*-]*|[.!?]\s+)(?:description|bullets|seo_title|seo_description|headline|body|subject"
    r"|post|summary|pros|cons)\s*:"
    r"|(?-i:\b(?:description|bullets|seo_title|seo_description|headline)\s*:)"
    r"|\\[nt\"]|\\u[0-9a-f]{4}",
    re.I,
)
# Markup a plain-text draft never holds: code fences, headings, emphasis runs, HTML tags.
_MARKUP = re.compile(
    r"`{3,}[a-z]*|(?:^|\n)\s*#{1,6}(?=\s|$)|#{2,}|\*{2,}|_{2,}|(?:^|\n)\s*\*\s"
    r"|</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>|\{\{.*?\}\}|\{%.*?%\}|\ufffd|[\x00-\x08\x0b-\x1f\x7f]",
    re.I,
)
_BRACKETS = re.compile(r"[\[\]{}]")
_PAIRS = {"]": "[", "}": "{"}


def _plain(text: str) -> str:
    """Lower case, with runs of spaces, hyphens and underscores as one space (as Facts.corpus)."""
    return re.sub(r"[\s\-_]+", " ", text.lower()).strip()


def _span(kind: str, text: str, start: int, end: int, message: str) -> Finding:
    while start < end and text[start].isspace():
        start += 1  # a marker matched with the line break before it starts on the line
    return Finding(kind, start, end, text[start:end], message, [], "error")


def _stray_brackets(text: str) -> list[tuple[int, int]]:
    """Brackets and braces: every brace, and square brackets that do not pair up on a line.

    Shop prose never uses braces; a paired "[...]" without quotes inside ("[sic]") is left be.
    """
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for match in _BRACKETS.finditer(text):
        char, position = match.group(), match.start()
        if char in "{}":
            spans.append((position, position + 1))
        elif char == "[":
            stack.append((char, position))
        elif stack and "\n" not in text[stack[-1][1] : position]:
            opened = stack.pop()[1]
            if re.search(r"[\"':,]", text[opened:position]):
                spans.append((opened, position + 1))
        else:
            spans.append((position, position + 1))
    spans.extend((position, position + 1) for _, position in stack)
    return spans


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping or touching spans as one, keeping the first message."""
    merged: list[tuple[int, int, str]] = []
    for start, end, message in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, message))
    return merged


def find_debris(text: str, record: str = "") -> list[Finding]:
    """Error findings for every piece of prompt or format debris in the text.

    `record` is the product record's text in lower case: a phrase it holds too ("JSON object"
    in a book's title) is the product's, not debris.
    """
    spans: list[tuple[int, int, str]] = []
    checks = (
        (_PHRASES, "The model wrote about its task or its prompt instead of the product."),
        (_ROLE, "A chat role or template marker leaked into the text."),
        (_JSON, "A piece of the JSON reply leaked into the text."),
        (_MARKUP, "Markup or a control character that plain shop text does not contain."),
    )
    for pattern, message in checks:
        spans.extend((*m.span(), message) for m in pattern.finditer(text) if m.group().strip())
    stray = "A stray bracket or brace: a fragment of the JSON reply."
    spans.extend((start, end, stray) for start, end in _stray_brackets(text))
    findings = []
    for start, end, message in _merge(spans):
        around = text[max(0, start - 12) : end + 12]
        if record and (
            _plain(around) in record or (end - start > 2 and _plain(text[start:end]) in record)
        ):
            continue  # the product's own text ("{" in a book's code sample)
        findings.append(_span("debris", text, start, end, message))
    return findings
