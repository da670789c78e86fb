"""The tenant field has a translated name: a duplicate that hits a unique constraint over
(community, ...) names it 社区, not the untranslated field name."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from community.models import Membership, VolunteerTeam
from community.records import services

Role = Membership.Role


def test_every_tenant_field_is_named_community():
    field = VolunteerTeam._meta.get_field("community")
    with translation.override("zh-hans"):
        assert str(field.verbose_name) == "社区"
    with translation.override("en"):
        assert str(field.verbose_name) == "Community"


def test_a_duplicate_names_the_community_in_chinese(world, page_as):
    c = world.a.community
    services.record_save(community=c, instance=VolunteerTeam(), data={"name": "巡逻队"})
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.record_save(community=c, instance=VolunteerTeam(), data={"name": "巡逻队"})
    assert error.value.messages == ["包含 社区 和 名称 的 志愿服务队 已经存在。"]
    page = page_as(world.a.users[Role.COMMITTEE_STAFF]).post(
        f"/c/{c.slug}/volunteers/teams/new/", {"name": "巡逻队"}
    )
    assert page.status_code == 400
    assert "包含 社区 和 名称 的 志愿服务队 已经存在。" in page.content.decode()
    assert VolunteerTeam.objects.filter(community=c).count() == 1
