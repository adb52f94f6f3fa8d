import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("llmshop_support", "0002_message_updated_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="handoff",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    (
                        "receive_handoff_notifications",
                        "Can receive handoff notifications by email",
                    )
                ],
                "verbose_name": "handoff",
                "verbose_name_plural": "handoffs",
            },
        ),
        migrations.AlterField(
            model_name="handoff",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="requested"),
        ),
        migrations.AddField(
            model_name="handoff",
            name="assigned_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="assigned"),
        ),
        migrations.AddField(
            model_name="handoff",
            name="first_reply_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="first staff reply"),
        ),
        migrations.AddField(
            model_name="handoff",
            name="notified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="staff notified"),
        ),
        migrations.CreateModel(
            name="ReplySuggestion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "Pending"), ("done", "Done"), ("failed", "Failed")],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("text", models.TextField(blank=True, verbose_name="text")),
                ("error", models.TextField(blank=True, verbose_name="error")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished"),
                ),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="suggestions",
                        to="llmshop_support.conversation",
                        verbose_name="conversation",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
            ],
            options={
                "verbose_name": "reply suggestion",
                "verbose_name_plural": "reply suggestions",
                "ordering": ["-created_at", "-id"],
            },
        ),
    ]
