"""The register import page's example of a column mapping is valid JSON in every language
(straight quotes: curly ones make it unparseable when copied)."""

import html
import json
import re

from community.models import Membership

Role = Membership.Role


def mapping_example(page: str) -> dict:
    """The JSON object quoted in the mapping field's help text."""
    help_text = re.search(r'id="id_mapping_help"[^>]*>(.*?)</', page, re.S)
    assert help_text, "no help text for the mapping field"
    return json.loads(re.search(r"\{.*\}", html.unescape(help_text.group(1))).group(0))


def test_mapping_example_is_json_in_chinese_and_english(world, page_as):
    staff = world.a.users[Role.COMMITTEE_STAFF]
    client = page_as(staff)
    page = client.get("/c/a-community/registry/import/").content.decode()
    assert "一个 JSON 文件，写明每个字段对应的表头" in page
    assert mapping_example(page) == {"phone": "手机号码"}
    staff.language = "en"
    staff.save(update_fields=["language"])
    page = client.get("/c/a-community/registry/import/").content.decode()
    assert "A JSON file naming the header of each field" in page
    assert mapping_example(page) == {"phone": "手机号码"}
