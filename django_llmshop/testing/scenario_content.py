"""The shop scenario's structured answers: JSON that fills the schema a request asks for.

Content drafts, review summaries and re-rankings ask for JSON with a schema. The answer is
built from the request's own facts (the product record, the reviews, the candidates), in the
language the system prompt names, so it passes the app's checks: every number and word comes
from the record, and every length limit of the schema is kept.
"""

from __future__ import annotations

import ast
import re
from typing import Any

RECORD_LINE = re.compile(r"^- ([^:\n]+): (.+)$", re.MULTILINE)
REVIEW_LINE = re.compile(r"^- (?:\[(\d)/5\] )?(?:([^:\n]+): )?(.+)$", re.MULTILINE)
CANDIDATE_LINE = re.compile(r"^- ([^:\s]+)(?:: (.+?))?(?: \(([^)]+)\))?$", re.MULTILINE)
#: Record lines that are not product attributes.
NOT_ATTRIBUTES = {"Name", "Category", "Price", "In stock"}


def schema_of(body: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema a request's ``response_format`` asks for, or None."""
    fmt = body.get("response_format")
    if not isinstance(fmt, dict):
        return None
    if fmt.get("type") == "json_schema":
        inner = fmt.get("json_schema") or {}
        schema = inner.get("schema") if isinstance(inner, dict) else None
    else:
        schema = fmt.get("schema")
    return schema if isinstance(schema, dict) else None


def chinese(system: str) -> bool:
    return "Simplified Chinese" in system or "'zh" in system


def record(prompt: str) -> dict[str, str]:
    """The product record of a content prompt: name, category and attributes."""
    fields: dict[str, str] = {}
    for key, value in RECORD_LINE.findall(prompt.split("Current text", 1)[0]):
        fields.setdefault(key.strip(), value.strip())
    if "Name" not in fields:
        found = re.search(r"^Product: (.+)$", prompt, re.MULTILINE)
        fields["Name"] = found.group(1).strip() if found else "this product"
    return fields


def plain(value: str) -> str:
    """A record value as prose: a list the prompt shows as ``['a', 'b']`` becomes "a, b"."""
    if value.startswith("[") and value.endswith("]"):
        try:
            items = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value.strip("[]")
        if isinstance(items, list):
            return ", ".join(str(item) for item in items)
    return value


def clip(text: str, limit: int | None) -> str:
    """``text`` cut at a word boundary to ``limit`` characters (no half words)."""
    if not limit or len(text) <= limit:
        return text
    cut = text[:limit]
    if (cut[-1] + text[limit]).isascii() and (cut[-1] + text[limit]).isalnum():  # mid-word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") or text[:limit]


class ContentWriter:
    """Copy for one product record, in English or Simplified Chinese."""

    def __init__(self, prompt: str, system: str) -> None:
        self.facts = record(prompt)
        self.name = self.facts["Name"]
        self.category = self.facts.get("Category", "")
        self.attributes: list[tuple[str, str]] = []
        self.features: list[str] = []  # attributes that are true: "alcohol free"
        for key, value in self.facts.items():
            if key in NOT_ATTRIBUTES:
                continue
            words = key.replace("_", " ").strip()
            if value in ("True", "False"):
                self.features += [words] if value == "True" else []
            else:
                self.attributes.append((words, plain(value)))
        self.zh = chinese(system)

    def title(self) -> str:
        return f"{self.name}｜精选好物" if self.zh else self.name

    def short(self) -> str:
        if self.zh:
            return f"{self.name}，精心之选，做工用心，日常使用方便实用。"
        details = ", ".join(value for _, value in self.attributes[:2])
        return f"Discover the {self.name}" + (f": {details}." if details else ".")

    def prose(self) -> str:
        if self.zh:
            return f"{self.name}是一款值得信赖的好物，做工用心，日常使用方便实用，欢迎选购。"
        parts = [f"Meet the {self.name}, a dependable everyday choice"]
        if self.category:
            parts[0] += f" from our {self.category.lower()} range"
        parts[0] += "."
        parts += [f"{key.capitalize()}: {value}." for key, value in self.attributes[:4]]
        parts += [f"It is {feature}." for feature in self.features[:2]]
        parts.append("Made to be used every day and enjoyed for a long time.")
        return " ".join(parts)

    def points(self) -> list[str]:
        if self.zh:
            return [f"{self.name}", "做工用心"]
        points = [f"{key.capitalize()}: {value}" for key, value in self.attributes[:5]]
        return points or [f"The {self.name}"]


#: Which kind of text each property of the content schemas holds.
TITLES = {"headline", "seo_title", "subject"}
SHORT = {"seo_description"}
LISTS = {"bullets", "pros", "cons"}


def fill(schema: dict[str, Any], writer: ContentWriter) -> dict[str, Any]:
    """An object with every property of ``schema`` filled from the record, within its limits."""
    out: dict[str, Any] = {}
    for key, spec in (schema.get("properties") or {}).items():
        spec = spec if isinstance(spec, dict) else {}
        limit = spec.get("maxLength")
        if spec.get("type") == "array" or key in LISTS:
            items: dict[str, Any] = spec["items"] if isinstance(spec.get("items"), dict) else {}
            most = int(spec.get("maxItems", 5))
            out[key] = [clip(p, items.get("maxLength")) for p in writer.points()][:most]
        elif key in TITLES:
            out[key] = clip(writer.title(), limit)
        elif key in SHORT or (limit and limit < 200):
            out[key] = clip(writer.short(), limit)
        else:
            out[key] = clip(writer.prose(), limit)
    return out


def review_summary(prompt: str, system: str) -> dict[str, Any]:
    """A summary, pros and cons taken from the reviews (or partial summaries) of the prompt."""
    name = record(prompt)["Name"]
    zh = chinese(system)
    pros: list[str] = []
    cons: list[str] = []
    for line in re.findall(r"Pros: ([^.]*)\. Cons: ([^.]*)\.", prompt):
        pros += [p.strip() for p in line[0].split(";") if p.strip()]
        cons += [c.strip() for c in line[1].split(";") if c.strip()]
    ratings: list[int] = []
    for rating, title, _body in REVIEW_LINE.findall(prompt.split("Customer reviews", 1)[-1]):
        if not rating or not title:
            continue
        ratings.append(int(rating))
        (pros if int(rating) >= 4 else cons if int(rating) <= 2 else []).append(title.strip())
    liked = not ratings or sum(ratings) / len(ratings) >= 3.5
    if zh:
        tone = "大多数评价是正面的。" if liked else "评价有好有坏。"
        summary = f"顾客分享了使用{name}的体验。{tone}"
    else:
        summary = f"Customers share their experience with the {name}. " + (
            "Most reviews are positive." if liked else "Opinions are mixed."
        )
    return {"summary": summary, "pros": _first_four(pros), "cons": _first_four(cons)}


def _first_four(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))[:4]


def ranking(prompt: str, system: str) -> dict[str, Any]:
    """The candidates, those of a category the shopper saw first, each with a short reason."""
    seen_text, _, offered_text = prompt.partition("Candidates:")
    seen = CANDIDATE_LINE.findall(seen_text)
    seen_categories = [category for _, _, category in seen if category]
    zh = chinese(system)
    entries: list[tuple[bool, int, dict[str, str]]] = []
    for product_id, _name, category in CANDIDATE_LINE.findall(offered_text.split("Answer", 1)[0]):
        near = bool(category) and category in seen_categories
        if zh:
            reason = "与你浏览过的商品同类" if near else "顾客常一起选购"
        elif near:
            reason = f"More from {category}, which you have been looking at"
        else:
            reason = "A popular pick that goes well with what you viewed"
        entries.append((not near, len(entries), {"product_id": product_id, "reason": reason}))
    return {"ranking": [entry for _, _, entry in sorted(entries, key=lambda e: e[:2])]}
