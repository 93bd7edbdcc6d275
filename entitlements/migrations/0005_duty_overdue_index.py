from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("entitlements", "0004_history"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="duty",
            index=models.Index(
                condition=models.Q(("status__in", ("due", "missed"))),
                fields=["due_at", "id"],
                name="duty_open_by_due",
            ),
        ),
        migrations.AddIndex(
            model_name="duty",
            index=models.Index(
                condition=models.Q(("status__in", ("due", "missed"))),
                fields=["case", "due_at", "id"],
                name="duty_open_by_case",
            ),
        ),
    ]
