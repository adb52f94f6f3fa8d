"""Prompts and output formats for each kind of content.

Prompts are Django templates under ``django_llmshop/content/prompts/``; a shop overrides one by
putting a template of the same name in its own templates folder. Every kind answers in JSON
checked against a schema, so channel limits (a search-ad headline of at most 30 characters) are
enforced: the client asks the model once to repair a reply that breaks them, and a reply that
still breaks them fails the draft rather than being accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.template import Context
from django.template.loader import get_template

from django_llmshop.adapters import ProductFacts, ProductReview
from django_llmshop.conf import Endpoint, llmshop_settings

PROMPTS = "django_llmshop/content/prompts/"
LANGUAGE_NAMES = {
    "en": "English",
    "zh-hans": "Simplified Chinese",
    "zh": "Simplified Chinese",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "ja": "Japanese",
    "nl": "Dutch",
    "pt": "Portuguese",
}
LENGTH_WORDS = {"short": 60, "medium": 120, "long": 220}
CHANNELS = ("product_page", "search_ad", "email", "social")
#: Prose as llama.cpp's grammar may write it: no quotes, backslashes (so no escapes), line
#: breaks, brackets, braces, angle brackets, asterisks, backticks, pipes or hashes, which in a
#: small model's copy are pieces of the JSON or markdown it was shown, never product text.
PROSE_CHARACTERS = r'[^"\\{}\[\]<>*`|#\n\r\t]'
#: Longer limits stay out of the grammar (llama.cpp nests one rule per optional character).
GRAMMAR_MAX_LENGTH = 300


def _string(max_length: int | None = None, min_length: int = 1) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "minLength": min_length}
    if max_length:
        schema["maxLength"] = max_length
    return schema


def _object(**properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_LIST = {"type": "array", "items": _string(200), "maxItems": 6}

SCHEMAS: dict[str, dict[str, Any]] = {
    "description": _object(
        description=_string(2000, min_length=20),
        bullets={"type": "array", "items": _string(120), "maxItems": 5},
    ),
    "seo": _object(seo_title=_string(60), seo_description=_string(155)),
    "marketing:product_page": _object(headline=_string(80), body=_string(2000)),
    "marketing:search_ad": _object(headline=_string(30), description=_string(90)),
    "marketing:email": _object(subject=_string(80), body=_string(3000)),
    "marketing:social": _object(post=_string(280)),
    "review_summary": _object(summary=_string(), pros=_LIST, cons=_LIST),
}


@dataclass
class Prompt:
    """The messages and output format of one generation call."""

    messages: list[dict[str, str]]
    schema_name: str
    schema: dict[str, Any] = field(repr=False)

    def response_format(self, endpoint: Endpoint) -> dict[str, Any]:
        """JSON-schema output where the endpoint has it; llama.cpp's schema form otherwise."""
        if endpoint.supports_json_schema:
            return {
                "type": "json_schema",
                "json_schema": {
                    "name": self.schema_name.replace(":", "_"),
                    "schema": self.schema,
                    "strict": True,
                },
            }
        return {"type": "json_object", "schema": prose_only(self.schema)}

    def with_note(self, note: str) -> Prompt:
        """The same prompt with a note after the request: a second try after the quality gate."""
        messages = [dict(message) for message in self.messages]
        messages[-1]["content"] = f"{messages[-1]['content']}\n{note}".strip()
        return Prompt(messages, self.schema_name, self.schema)


def prose_only(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every string limited to prose characters (``PROSE_CHARACTERS``), and
    to its lengths, as a pattern.

    Only for llama.cpp's schema form, which the server compiles into a grammar (minLength and
    maxLength are not part of it otherwise): the model then cannot write a bracket or a quote
    into the copy at all, nor an empty description. Hosted JSON-schema modes are left with the
    plain schema, as some of them refuse a ``pattern``.
    """
    if schema.get("type") == "string":
        low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
        count = f"{{{low},{high}}}" if high and high <= GRAMMAR_MAX_LENGTH else f"{{{low},}}"
        return {**schema, "pattern": f"^{PROSE_CHARACTERS}{count}$"}
    out = dict(schema)
    if "properties" in schema:
        out["properties"] = {k: prose_only(v) for k, v in schema["properties"].items()}
    if isinstance(schema.get("items"), dict):
        out["items"] = prose_only(schema["items"])
    return out


def render(name: str, context: dict[str, Any]) -> str:
    """Render a prompt template without HTML escaping (prompts are plain text)."""
    template = get_template(PROMPTS + name)
    inner = getattr(template, "template", None)
    if inner is not None:  # Django's engine: render the raw template with escaping off
        return str(inner.render(Context(context, autoescape=False))).strip()
    return str(template.render(context)).strip()


def system_message(language: str) -> dict[str, str]:
    text = render(
        "system.txt",
        {
            "brand_voice": llmshop_settings.BRAND_VOICE,
            "language_name": LANGUAGE_NAMES.get(language.lower(), language),
        },
    )
    return {"role": "system", "content": text}


def _base_context(facts: ProductFacts, options: dict[str, Any], note: str) -> dict[str, Any]:
    return {
        "facts": facts,
        "attributes": sorted(facts.attributes.items()),
        "tone": options.get("tone", ""),
        "words": LENGTH_WORDS.get(str(options.get("length", "medium")), 120),
        "note": note,
    }


def product_prompt(
    kind: str,
    facts: ProductFacts,
    *,
    language: str,
    options: dict[str, Any],
    variant: int = 1,
    note: str = "",
    current: str = "",
    examples: list[str] | None = None,
) -> Prompt:
    """The prompt for a description, SEO fields or marketing copy of one product."""
    context = {
        **_base_context(facts, options, note),
        "current": current,
        "examples": examples or [],
        "variant": variant,
    }
    if kind == "marketing":
        channel = str(options.get("channel", "product_page"))
        if channel not in CHANNELS:
            raise ValueError(f"Unknown marketing channel {channel!r}.")
        context.update(channel=channel, promotion=str(options.get("promotion", "")).strip())
        schema_name = f"marketing:{channel}"
    elif kind in ("description", "seo"):
        schema_name = kind
    else:
        raise ValueError(f"No product prompt for {kind!r}.")
    template = "marketing.txt" if kind == "marketing" else f"{kind}.txt"
    user = render(template, context)
    return Prompt(
        [system_message(language), {"role": "user", "content": user}],
        schema_name,
        SCHEMAS[schema_name],
    )


def translation_prompt(
    kind: str,
    facts: ProductFacts,
    source: dict[str, str],
    *,
    source_language: str,
    language: str,
    note: str = "",
) -> Prompt:
    """The prompt that translates a product's current texts (by role) into ``language``."""
    if kind not in ("description", "seo"):
        raise ValueError(f"No translation prompt for {kind!r}.")
    text = source.get("description", "")
    bullets = [line[2:].strip() for line in text.splitlines() if line.startswith("- ")]
    prose = "\n".join(line for line in text.splitlines() if not line.startswith("- ")).strip()
    context = {
        **_base_context(facts, {}, note),
        "kind": kind,
        "source": {**source, "description": prose, "bullets": bullets},
        "source_name": LANGUAGE_NAMES.get(source_language.lower(), source_language),
        "language_name": LANGUAGE_NAMES.get(language.lower(), language),
    }
    schema = SCHEMAS[kind]
    if kind == "description":  # as short as its source may be: no minimum of its own
        schema = {**schema, "properties": {**schema["properties"], "description": _string(2000)}}
    return Prompt(
        [system_message(language), {"role": "user", "content": render("translate.txt", context)}],
        kind,
        schema,
    )


def review_summary_prompt(
    facts: ProductFacts,
    reviews: list[ProductReview],
    *,
    language: str,
    total_reviews: int,
    note: str = "",
) -> Prompt:
    user = render(
        "review_summary.txt",
        {"facts": facts, "reviews": reviews, "total_reviews": total_reviews, "note": note},
    )
    return Prompt(
        [system_message(language), {"role": "user", "content": user}],
        "review_summary",
        SCHEMAS["review_summary"],
    )


def review_reduce_prompt(
    facts: ProductFacts, partials: list[dict[str, Any]], *, language: str, total_reviews: int
) -> Prompt:
    user = render(
        "review_summary_reduce.txt",
        {"facts": facts, "partials": partials, "total_reviews": total_reviews},
    )
    return Prompt(
        [system_message(language), {"role": "user", "content": user}],
        "review_summary",
        SCHEMAS["review_summary"],
    )


def target_words(kind: str, options: dict[str, Any]) -> int | None:
    """The length asked for in words, for the kinds whose prompt asks for one."""
    channel = str(options.get("channel", "product_page"))
    if options.get("translate_from"):
        return None  # a translation is as long as its source
    if kind == "description" or (kind == "marketing" and channel in ("product_page", "email")):
        return LENGTH_WORDS.get(str(options.get("length", "medium")), 120)
    return None


def text_of(kind: str, parsed: dict[str, Any], options: dict[str, Any]) -> str:
    """The reviewable text of a parsed reply (what the diff and the fact check look at)."""
    if kind == "description":
        bullets = [b for b in parsed.get("bullets", []) if str(b).strip()]
        text = str(parsed.get("description", "")).strip()
        return text + ("\n\n" + "\n".join(f"- {b}" for b in bullets) if bullets else "")
    if kind == "seo":
        return f"{parsed.get('seo_title', '')}\n{parsed.get('seo_description', '')}"
    if kind == "review_summary":
        pros = "\n".join(f"+ {p}" for p in parsed.get("pros", []))
        cons = "\n".join(f"- {c}" for c in parsed.get("cons", []))
        return "\n\n".join(part for part in (str(parsed.get("summary", "")), pros, cons) if part)
    return "\n\n".join(str(value) for value in parsed.values() if value)
