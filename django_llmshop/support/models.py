"""Support chat data: conversations, messages, handoffs, the knowledge base and stream rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    """A chat between one shopper and the shop, bound to their account or their session."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HANDED_OFF = "handed_off", _("Handed to a person")
        CLOSED = "closed", _("Closed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shopper"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # A random token kept in the anonymous shopper's session (it survives the key change at
    # login, which is when the conversation is moved to the account).
    session_key = models.CharField(_("session token"), max_length=64, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    language = models.CharField(_("language"), max_length=16, blank=True)
    topic = models.CharField(_("topic"), max_length=40, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"


class Message(models.Model):
    """One message of a conversation; an assistant reply is filled in by a Celery task."""

    class Role(models.TextChoices):
        USER = "user", _("Shopper")
        ASSISTANT = "assistant", _("Assistant")
        STAFF = "staff", _("Staff")
        SYSTEM = "system", _("System")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        STREAMING = "streaming", _("Streaming")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Rating(models.IntegerChoices):
        DOWN = -1, _("Not helpful")
        NONE = 0, _("Not rated")
        UP = 1, _("Helpful")

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.CASCADE,
        related_name="messages",
    )  # fmt: skip
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    content = models.TextField(_("content"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DONE, db_index=True
    )
    citations = models.JSONField(_("citations"), default=list, blank=True)
    tool_calls = models.JSONField(_("tool calls"), default=list, blank=True)
    # What the safety check found in a reply, e.g. [{"kind": "price", "text": "$1.00"}].
    flags = models.JSONField(_("flags"), default=list, blank=True)
    llm_call = models.ForeignKey(
        "llmshop.LLMCall", verbose_name=_("LLM call"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    rating = models.SmallIntegerField(_("rating"), choices=Rating.choices, default=Rating.NONE)
    error = models.TextField(_("error"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff author"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When a reply was last queued, claimed by a worker or finished: the sweeper fails a reply
    # that stays pending or streaming for CHAT_REPLY_TIMEOUT after it.
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.role}: {self.content[:60]}"

    @property
    def is_final(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


class Handoff(models.Model):
    """A request for a person to take over a conversation."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.CASCADE,
        related_name="handoffs",
    )  # fmt: skip
    reason = models.TextField(_("reason"), blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    # The first staff message after the request: "time to first staff reply" is
    # first_reply_at - created_at.
    first_reply_at = models.DateTimeField(_("first staff reply"), null=True, blank=True)
    # When staff were emailed about it (a redelivered notification task sends nothing).
    notified_at = models.DateTimeField(_("staff notified"), null=True, blank=True)
    # Released to the assistant or closed.
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("handoff")
        verbose_name_plural = _("handoffs")
        ordering = ["-created_at"]
        permissions = [
            ("receive_handoff_notifications", _("Can receive handoff notifications by email"))
        ]

    def __str__(self) -> str:
        return f"Handoff of #{self.conversation_id} ({self.status})"


class ReplySuggestion(models.Model):
    """A reply drafted by the model for staff to edit; nothing reaches the shopper from here."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.CASCADE,
        related_name="suggestions",
    )  # fmt: skip
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    text = models.TextField(_("text"), blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("reply suggestion")
        verbose_name_plural = _("reply suggestions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Suggestion {self.pk} for #{self.conversation_id} ({self.status})"


class KnowledgeDocument(models.Model):
    """A policy, FAQ or help page the chat answers from; re-indexed whenever it is saved."""

    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy")
        FAQ = "faq", _("FAQ")
        PAGE = "page", _("Page")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Markdown."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PAGE)
    language = models.CharField(_("language"), max_length=16, blank=True)
    published = models.BooleanField(_("published"), default=True)
    url = models.CharField(_("URL"), max_length=300, blank=True)
    # Where a synced document came from, e.g. "shop.page:3"; empty for documents made in admin.
    source_key = models.CharField(_("source"), max_length=100, blank=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    indexed_at = models.DateTimeField(_("indexed"), null=True, blank=True)

    class Meta:
        verbose_name = _("knowledge document")
        verbose_name_plural = _("knowledge documents")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class KnowledgeChunk(models.Model):
    """A passage of a document (about one section), the unit retrieval returns."""

    document = models.ForeignKey(KnowledgeDocument, on_delete=models.CASCADE, related_name="chunks")
    ordinal = models.PositiveIntegerField()
    heading = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    length = models.PositiveIntegerField(default=0)  # number of index terms, for BM25
    vector = models.BinaryField(null=True, blank=True)  # float32 embedding, when configured

    class Meta:
        ordering = ["document_id", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["document", "ordinal"], name="llmshop_chunk_ordinal")
        ]

    def __str__(self) -> str:
        return f"{self.document_id}/{self.ordinal} {self.heading}"


class KnowledgeTerm(models.Model):
    """One posting of the lexical index: a term and how often it occurs in a chunk."""

    chunk = models.ForeignKey(KnowledgeChunk, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=64)
    frequency = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["term"], name="llmshop_term_idx")]


class StreamEvent(models.Model):
    """An event of a reply's stream, when streams go through the database."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=10)
    data = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "seq"], name="llmshop_stream_seq")
        ]
