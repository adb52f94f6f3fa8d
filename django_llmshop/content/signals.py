"""Signals of the content sub-app, for shops that react to publishing (cache purges, search)."""

from django.dispatch import Signal

#: Sent after a draft is published. Arguments: ``draft`` (Draft), ``version`` (ContentVersion,
#: or None for kinds published in place: marketing copy, review summaries), ``user``.
draft_published = Signal()

#: Sent after a published version is reverted. Arguments: ``version``, ``user``.
version_reverted = Signal()
