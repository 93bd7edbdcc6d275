# The production image: gunicorn for web, the same image for the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# WeasyPrint (letters and packs as PDF) draws with Debian's Pango and HarfBuzz; DejaVu is the font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*
COPY requirements-prod.lock ./
RUN pip install -r requirements-prod.lock

COPY . .
# Static files come from installed packages (Bootstrap, htmx, Swagger UI): collected, never a CDN.
# The Welsh translations are compiled from the .po files in the repository (.mo is not committed).
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
    && for po in locale/*/LC_MESSAGES/*.po; do msgfmt --check-format -o "${po%.po}.mo" "$po"; done \
    && useradd --system --uid 10001 victimcare \
    && mkdir -p /app/var && chown -R victimcare /app/var

USER victimcare
EXPOSE 8000
CMD ["gunicorn", "victimcare.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s\" %(s)s %(b)s %(L)s"]
