import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Every contact now has an outcome (0010 gave the older ones "reached")."""

    dependencies = [
        ("cases", "0010_seed_contact_outcomes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="outcome",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.contactoutcome",
            ),
        ),
    ]
