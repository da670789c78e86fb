# Gongzhi: one image for web (gunicorn), worker and beat (celery). See docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# WeasyPrint renders the annual review PDF with Pango; libharfbuzz-subset0 makes it 4x faster;
# fonts-noto-cjk draws the Chinese.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 1000 gongzhi

WORKDIR /app
# Dependencies first: this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN pip install .
COPY . .
# Static files are collected into the image and served by WhiteNoise. The key below only lets
# the production settings load for this step; the running containers get the real SECRET_KEY.
RUN SECRET_KEY=collectstatic-only-this-key-is-never-used-to-sign-anything-0123456789 \
    python manage.py collectstatic --noinput -v0 \
 && mkdir -p /data/media && chown gongzhi /data/media

USER gongzhi
ENV MEDIA_ROOT=/data/media
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
