"""Recovery codes made before they were hashed: keep each as a hash and remove the clear copy.

Every code still works after this (it is checked against its hash); none can be read back. Going
backwards cannot restore the clear codes, so it leaves them hashed (people make new codes).
"""

from django.contrib.auth.hashers import make_password
from django.db import migrations


def hash_clear_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    clear = StaticToken.objects.order_by("pk")
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device_id=token.device_id, code_hash=make_password(token.token.lower()))
        for token in clear.iterator()
    )
    clear.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_recoverycode"),
    ]

    operations = [
        migrations.RunPython(hash_clear_codes, migrations.RunPython.noop, elidable=False),
    ]
