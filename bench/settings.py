"""Production settings with the bench URLconf (bench/urls.py): only for bench/api.py."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
