"""Management commands of the community app: create_community and permission_matrix."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from community import permissions
from community.models import Community, Membership, Organisation, User

ROOT = Path(__file__).resolve().parents[2]


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_create_community_without_a_terminal_generates_and_prints_a_password(db, client):
    output = run(
        "create_community",
        "xingfuli",
        "幸福里社区",
        "--staff-username=wangli",
        "--staff-email=wangli@example.org",
        "--timezone=Asia/Urumqi",
        "--street-office=新华街道办事处",
    )
    community = Community.objects.get(slug="xingfuli")
    assert (community.name, community.timezone) == ("幸福里社区", "Asia/Urumqi")
    assert community.street_office.name == "新华街道办事处"
    assert community.street_office.kind == Organisation.Kind.STREET_OFFICE
    staff = User.objects.get(username="wangli")
    assert staff.email == "wangli@example.org"
    membership = Membership.objects.get(user=staff)
    assert (membership.community, membership.role) == (community, "committee_staff")
    assert membership.organisation.name == "幸福里社区居委会"
    password = output.split("Generated password: ")[1].strip()
    assert len(password) >= 16
    response = client.post(reverse("login"), {"username": "wangli", "password": password})
    assert response["Location"] == reverse("community:home")
    assert "Created 幸福里社区 at /c/xingfuli/" in output


def test_create_community_asks_for_the_password_in_a_terminal(db, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["Lantern-47-quiet", "Lantern-47-quiet"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    output = run(
        "create_community", "hp", "和平苑社区", "--staff-username=u", "--staff-email=e@x.cn"
    )
    assert "Generated password" not in output
    assert User.objects.get(username="u").check_password("Lantern-47-quiet")
    assert Community.objects.get(slug="hp").street_office is None


def test_create_community_refuses_a_weak_or_mistyped_password(db, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["12345678", "12345678", "Lantern-47-quiet", "Lantern-47-quieT"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    args = ("create_community", "hp", "和平苑社区", "--staff-username=u", "--staff-email=e@x.cn")
    with pytest.raises(CommandError, match="这个密码太常见了"):
        run(*args)
    with pytest.raises(CommandError, match="The two passwords differ"):
        run(*args)
    assert not Community.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["taken", "新社区", "--staff-username=new"], "slug: Community with this Slug"),
        (["new", "新社区", "--staff-username=existing"], "username: A user with that username"),
        (["new", "新社区", "--staff-username=new", "--timezone=Mars/Base"], "timezone: “Mars"),
    ],
)
def test_create_community_names_the_field_that_is_wrong_and_saves_nothing(db, args, message):
    Community.objects.create(slug="taken", name="已有社区")
    User.objects.create(username="existing")
    with pytest.raises(CommandError, match=message), translation.override("en"):
        run("create_community", *args, "--staff-email=e@x.cn", "--street-office=某街道")
    assert Community.objects.count() == 1
    assert User.objects.count() == 1
    assert not Organisation.objects.filter(name="某街道").exists()


def test_permission_matrix_prints_the_markdown():
    assert run("permission_matrix") == permissions.as_markdown()


def test_docs_permissions_is_up_to_date():
    assert (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8") == (
        permissions.as_markdown()
    ), "run: python manage.py permission_matrix > docs/permissions.md"
