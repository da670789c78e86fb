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
    """(msgid, entry, flags) of each entry, joining continued lines; entry maps msgctxt, msgid,
    msgid_plural and msgstr / msgstr[n] to their text."""
    result, flags, current, key = [], "", {}, None
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,"):
            flags = line
        elif line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
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


def test_one_term_one_translation():
    """Django merges all catalogues into one: a (context, msgid) translated two ways in two
    catalogues gets one of them on every page, wrong on the other app's. The same meaning takes
    the field's one term everywhere; another meaning of the same English word gets a context
    (pgettext_lazy, {% translate ... context ... %}) or a more specific msgid."""
    translations = {}
    for po in CATALOGUES:
        for msgid, entry, _ in entries(po):
            if msgid:
                msgstr = tuple(v for k, v in sorted(entry.items()) if k.startswith("msgstr"))
                key = (entry.get("msgctxt"), msgid)
                translations.setdefault(key, {}).setdefault(msgstr, []).append(
                    po.relative_to(ROOT).parts[0]
                )
    conflicts = [
        f"{msgid!r} (context {context!r}): "
        + ", ".join(f"{'/'.join(msgstr)} in {' '.join(where)}" for msgstr, where in found.items())
        for (context, msgid), found in sorted(translations.items(), key=lambda kv: kv[0][1])
        if len(found) > 1
    ]
    assert conflicts == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_numbers_are_grouped_by_threes_in_both_languages(language):
    """config/formats: Django's zh_Hans groups no digits, so n read 2044 beside a value of
    3,401 on the same page; every number is grouped alike."""
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.template import Context, Template
    from django.utils import translation

    with translation.override(language):
        assert (intcomma(2044), intcomma(1234567)) == ("2,044", "1,234,567")
        shown = Template('{{ v|floatformat:"g" }}').render(Context({"v": 3401.5}))
        assert shown == "3,401.5"
