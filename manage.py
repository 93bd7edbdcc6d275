#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")
    # makemigrations is a developer's command that only reads the models: let it run on a
    # fresh checkout without a SECRET_KEY. Everything else keeps the production default.
    if sys.argv[1:2] == ["makemigrations"]:
        os.environ.setdefault("DJANGO_DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
