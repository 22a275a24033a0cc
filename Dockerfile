# Clean Break: one image for the web process and the Celery worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

# WeasyPrint needs Pango; DejaVu fonts are embedded in the PDFs; poppler for page counts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core shared-mime-info postgresql-client \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 cleanbreak
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY agency ./agency
COPY clients ./clients
COPY offboarding ./offboarding
COPY demo ./demo
RUN pip install .
COPY . .
RUN pybabel compile --directory locale --domain django \
 && DJANGO_DEBUG=true python manage.py collectstatic --noinput \
 && mkdir -p /app/var/media && chown -R cleanbreak /app/var && chmod 700 /app/var/media

USER cleanbreak
EXPOSE 8000
# gunicorn limits the request line and headers (its defaults, stated); it has no body-size
# limit: agency.middleware.RequestSizeLimitMiddleware refuses an oversized body unread.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-", \
     "--logger-class", "config.gunicorn_logging.RedactingLogger", \
     "--limit-request-line", "4094", "--limit-request-fields", "100", "--limit-request-field_size", "8190"]
