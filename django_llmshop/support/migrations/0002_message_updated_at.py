import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("llmshop_support", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="updated"),
        ),
    ]
