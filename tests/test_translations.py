"""Source strings are English and the Chinese lives in the zh_Hans catalogues (STYLE.md).
Every catalogue is complete, and its committed .mo is what msgfmt makes of its .po."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts
)


def entries(po: Path):
    """(msgid, msgstr, flags) of each entry, joining continued lines."""
    result, flags, current, key = [], "", {}, None
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,"):
            flags = line
        elif line.startswith(("msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
            key, _, value = line.partition(" ")
            current[key] = value.strip()[1:-1]
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
        elif not line.strip() and current:
            result.append((current.get("msgid", ""), current, flags))
            current, flags, key = {}, "", None
    return result


def test_every_app_has_a_catalogue():
    assert {p.parts[-5] if p.parts[-5] != ROOT.name else "project" for p in CATALOGUES} >= {
        "community",
        "residents",
        "tickets",
    }


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(po, tmp_path):
    untranslated = [
        msgid
        for msgid, entry, flags in entries(po)
        if msgid
        and ("fuzzy" in flags or not any(v for k, v in entry.items() if k.startswith("msgstr")))
    ]
    assert untranslated == []
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", compiled, po], check=True)
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), "run scripts/messages.sh"
