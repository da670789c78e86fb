"""docker-compose.yml and the Dockerfile cannot run here (no Docker engine); check what can be
checked: the compose file parses and wires the five services the way the README says."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_file_brings_up_the_five_services_on_one_image():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ["web", "worker", "beat", "migrate"]:
        service = services[name]
        assert service["image"] == "gongzhi:latest" and service["build"] == "."
        assert service["environment"]["REDIS_URL"] == "redis://redis:6379/0"
        assert service["environment"]["DATABASE_URL"].endswith("@postgres:5432/gongzhi")
        assert service["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["worker"]["command"][:3] == ["celery", "-A", "config"]
    assert "beat" in services["beat"]["command"]
    assert set(compose["volumes"]) == {"pgdata", "redisdata", "media"}


def test_dockerfile_uses_production_settings_and_the_pdf_libraries():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("# Gongzhi") and "FROM python:3.11-slim-bookworm" in dockerfile
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in dockerfile
    for package in ["libpango-1.0-0", "libharfbuzz-subset0", "fonts-noto-cjk"]:
        assert package in dockerfile
    assert '"gunicorn", "config.wsgi:application"' in dockerfile


def test_static_files_reference_no_missing_source_map():
    """ManifestStaticFilesStorage (production) fails collectstatic, and so the image build,
    on a `sourceMappingURL` whose file is not vendored."""
    missing = []
    for path in (ROOT / "static").rglob("*"):
        if path.suffix in (".js", ".css"):
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                if "sourceMappingURL=" in line:
                    target = line.split("sourceMappingURL=")[1].split()[0].rstrip("*/")
                    if not (path.parent / target).exists():
                        missing.append(f"{path.relative_to(ROOT)} -> {target}")
    assert missing == []
