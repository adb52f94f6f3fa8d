"""Forms of the content admin: generation options, a reviewer's edit, approve and regenerate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from django_llmshop.conf import llmshop_settings
from django_llmshop.content.models import Draft, Kind
from django_llmshop.content.prompts import CHANNELS, text_of
from django_llmshop.content.services import clean_options

CHANNEL_LABELS = {
    "product_page": _("Product page (headline and body)"),
    "search_ad": _("Search ad (headline ≤ 30, description ≤ 90 characters)"),
    "email": _("E-mail (subject and body)"),
    "social": _("Social post (≤ 280 characters)"),
}
LENGTHS = [("short", _("Short")), ("medium", _("Medium")), ("long", _("Long"))]
#: The options each kind of job takes (review summaries only need languages).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    Kind.DESCRIPTION: ("tone", "length", "languages", "few_shot"),
    Kind.SEO: ("tone", "languages"),
    Kind.MARKETING: ("channel", "promotion", "variants", "tone", "length", "languages"),
    Kind.REVIEW_SUMMARY: ("languages",),
}
#: The options of a translation of the current descriptions or SEO texts.
TRANSLATE_FIELDS = ("translate_from", "languages")


def language_choices() -> list[tuple[str, str]]:
    names = dict(settings.LANGUAGES)
    return [(code, str(names.get(code, code))) for code in llmshop_settings.LANGUAGES]


class GenerateForm(forms.Form):
    """The options of a generation job, as the confirmation page asks for them."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c, CHANNEL_LABELS.get(c, c)) for c in CHANNELS]
    )
    promotion = forms.CharField(
        label=_("Promotion"),
        required=False,
        max_length=300,
        # xgettext:no-python-format
        help_text=_("The only offer the copy may mention, e.g. “20% off until Sunday”."),
    )
    variants = forms.IntegerField(
        label=_("Variants per product"), min_value=1, max_value=5, initial=1
    )
    tone = forms.CharField(
        label=_("Tone"),
        required=False,
        max_length=60,
        help_text=_("For example: friendly, expert, playful. Empty: the brand voice alone."),
    )
    length = forms.ChoiceField(label=_("Length"), choices=LENGTHS, initial="medium")
    translate_from = forms.ChoiceField(
        label=_("Translate from"),
        choices=(),
        help_text=_("The product's current text in this language is translated."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    few_shot = forms.BooleanField(
        label=_("Show the model the shop's own longest descriptions as examples of its style"),
        required=False,
    )

    def __init__(self, kind: str, *args: Any, translate: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        wanted = TRANSLATE_FIELDS if translate else KIND_FIELDS.get(kind, ("languages",))
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        choices = language_choices()
        languages = self.fields["languages"]
        assert isinstance(languages, forms.MultipleChoiceField)
        languages.choices = choices
        languages.initial = [choices[0][0]] if choices else []
        source = self.fields.get("translate_from")
        if isinstance(source, forms.ChoiceField):
            source.choices = choices
            source.initial = choices[0][0] if choices else None
            languages.initial = [code for code, _name in choices[1:]]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                self.cleaned_options = clean_options(self.kind, self._raw_options(cleaned))
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return cleaned

    def _raw_options(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        options = {name: cleaned[name] for name in self.fields if name in cleaned}
        if "promotion" in options:
            options["promotion"] = options["promotion"].strip()
        return {k: v for k, v in options.items() if v not in ("", None)}

    def options(self) -> dict[str, Any]:
        """The validated options for ``start_job`` (call after ``is_valid()``)."""
        return dict(self.cleaned_options)

    def initial_options(self) -> dict[str, Any]:
        """The options of an unbound form, for the first estimate."""
        raw = {name: field.initial for name, field in self.fields.items()}
        return clean_options(self.kind, {k: v for k, v in raw.items() if v not in ("", None)})


class DraftEditForm(forms.Form):
    """A reviewer's edit: one field per text part of the draft (or the whole text)."""

    def __init__(self, draft: Draft, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.draft = draft
        self.part_names: list[str] = []
        for name, value in (draft.parts or {}).items():
            if isinstance(value, str):
                self.fields[name] = forms.CharField(
                    label=name.replace("_", " ").capitalize(),
                    initial=value,
                    required=False,
                    widget=forms.Textarea(
                        attrs={"rows": 2 if len(value) < 100 else 6, "class": "vLargeTextField"}
                    ),
                )
            elif isinstance(value, list):
                self.fields[name] = forms.CharField(
                    label=name.replace("_", " ").capitalize(),
                    initial="\n".join(str(item) for item in value),
                    required=False,
                    help_text=_("One per line."),
                    widget=forms.Textarea(
                        attrs={"rows": max(2, len(value) + 1), "class": "vLargeTextField"}
                    ),
                )
            else:
                continue
            self.part_names.append(name)
        if not self.part_names:
            self.fields["text"] = forms.CharField(
                label=_("Text"),
                initial=draft.text,
                widget=forms.Textarea(attrs={"rows": 8, "class": "vLargeTextField"}),
            )

    def edited(self) -> tuple[str, dict[str, Any] | None]:
        """The new text and parts (call after ``is_valid()``)."""
        if not self.part_names:
            return self.cleaned_data["text"], None
        parts = dict(self.draft.parts)
        for name in self.part_names:
            value = self.cleaned_data.get(name, "")
            if isinstance(parts[name], list):
                parts[name] = [line.strip() for line in value.splitlines() if line.strip()]
            else:
                parts[name] = value.strip()
        options = self.draft.job.options if self.draft.job else {}
        return text_of(self.draft.kind, parts, options), parts


class ApproveForm(forms.Form):
    confirm_findings = forms.BooleanField(
        label=_("I checked the highlighted findings; publish this text anyway."), required=False
    )


class RegenerateForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the model"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
        help_text=_("For example: “Mention the colour first. No exclamation marks.”"),
    )


class BulkApproveForm(forms.Form):
    confirm_findings = forms.BooleanField(
        label=_("Also publish the drafts with fact-check findings; I have checked them."),
        required=False,
    )
