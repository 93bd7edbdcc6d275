"""Production is the default posture."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_debug_a_secret_key_is_required():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_set():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY="x" * 60,
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_deploy_checks_pass_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="victimcare.example.police.uk",
        SECURE_SSL_REDIRECT="true",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_time_is_stored_in_utc_and_shown_in_london(settings):
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "Europe/London"


def _databases(**env: str) -> dict:
    result = _manage(
        "shell",
        "-c",
        "import json; from django.conf import settings; "
        "print(json.dumps({k: [v['ENGINE'], v['NAME'], v.get('TEST', {}).get('MIRROR')] "
        "for k, v in settings.DATABASES.items()}))",
        DJANGO_DEBUG="true",
        **env,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_reporting_replica_is_configured_only_when_its_url_is_set():
    assert set(_databases(REPORTING_DATABASE_URL="")) == {"default"}
    databases = _databases(
        REPORTING_DATABASE_URL="postgres://reader@replica.example:5432/victimcare"
    )
    # Under test the replica is the test database itself, not a second one to create.
    assert databases["reporting"] == ["django.db.backends.postgresql", "victimcare", "default"]
