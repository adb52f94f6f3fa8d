"""The chat widget's form: what a shopper may type before it reaches the chat's services."""

from __future__ import annotations

from django import forms


class MessageForm(forms.Form):
    """One message from the widget. Django's ``CharField`` refuses NUL characters, which no
    database text column stores; the services check emptiness and size with their own words."""

    content = forms.CharField(required=False, strip=True)

    def first_error(self) -> str:
        """The first error, as the widget's notice shows it (call after ``is_valid()``)."""
        for errors in self.errors.values():
            return str(errors[0])
        return ""
