"""Adversarial review of the API base (community/api.py): bad bodies answer a translated 400,
never a 500, and change nothing.

Findings pinned here:
- A lone surrogate in a JSON string (`"\\ud800"`) answered 500: a choice field echoes the value
  in its error message, which the UTF-8 renderer cannot encode.
- A malformed JSON body answered DRF's English "JSON parse error - ..." in a Chinese interface.
- A NUL character in a JSON value that no CharField checks (a free-text survey answer) answered
  500: PostgreSQL cannot store U+0000.
- A naive instant near 0001-01-01 answered 500: DRF's DateTimeField lets the overflow of its
  UTC check through (the aware path is caught, the naive one is not).
"""

import datetime

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

from community.api import InstantField
from community.models import Incident, Membership
from tests.tickets.conftest import make_categories
from tickets.models import TicketKind

Role = Membership.Role
HOUR = datetime.timedelta(hours=1)


def url(side, path):
    return f"/api/v1/c/{side.community.slug}/{path}"


@pytest.fixture
def staff_a(world, api_as):
    return api_as(world.a.users[Role.COMMITTEE_STAFF])


def post_raw(client, path, body: bytes):
    return client.generic("POST", path, body, content_type="application/json")


# --- lone surrogates and malformed JSON ------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("categories/", b'{"kind": "\\ud800", "code": "x", "name": "y"}', "kind"),
        (
            "incidents/",
            b'{"kind": "fire", "title": "\\udfff", "reported_at": "2025-01-01"}',
            "title",
        ),
        ("meetings/", b'{"attendances": [{"attendees": "\\ud83d"}], "title": "t"}', "attendances"),
        ("disclosures/", b'{"channels": ["portal", "\\ud800"]}', "channels"),
        ("surveys/", b'["\\ud800"]', "non_field_errors"),
    ],
)
def test_lone_surrogate_is_a_400_naming_the_key(world, staff_a, path, body, field):
    incidents = Incident.objects.count()
    response = post_raw(staff_a, url(world.a, path), body)
    assert response.status_code == 400
    assert response.json() == {field: ["文本中含有无效的 Unicode 字符。"]}
    assert Incident.objects.count() == incidents


def test_lone_surrogate_in_a_ticket_action_is_a_400(world, staff_a):
    category = make_categories(world.a.community)[TicketKind.COMPLAINT]
    response = post_raw(
        staff_a,
        url(world.a, "complaints/"),
        f'{{"category": {category.pk}, "description": "x", "channel": "\\udc00"}}'.encode(),
    )
    assert response.status_code == 400
    assert response.json() == {"channel": ["文本中含有无效的 Unicode 字符。"]}


def test_malformed_json_is_a_translated_400(world, staff_a):
    response = post_raw(staff_a, url(world.a, "incidents/"), b'{"kind": "fire",\n "title": }')
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是有效的 JSON（第 2 行，第 11 列）。"}


def test_body_that_is_not_utf8_is_a_translated_400(world, staff_a):
    response = post_raw(staff_a, url(world.a, "incidents/"), b'{"title": "\xff\xfe"}')
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是 UTF-8 文本。"}


def test_non_finite_number_is_a_translated_400(world, staff_a):
    response = post_raw(staff_a, url(world.a, "activities/"), b'{"capacity": NaN}')
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是有效的 JSON。"}


def test_english_interface_gets_english(world):
    user = world.a.users[Role.COMMITTEE_STAFF]
    user.language = "en"
    user.save(update_fields=["language"])
    client = APIClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = post_raw(client, url(world.a, "incidents/"), b'{"title": "\\ud800"}')
    message = "The text contains a character that is not valid Unicode."
    assert response.json() == {"title": [message]}


# --- instants out of range -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00", "0001-01-01", "0001-01-01T00:03"])
def test_naive_instant_before_year_one_utc_is_a_400_naming_the_field(world, staff_a, value):
    response = staff_a.post(
        url(world.a, "incidents/"),
        {"kind": "fire", "title": "起火", "reported_at": value},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"reported_at": ["时间数值超出有效范围。"]}
    assert not Incident.objects.filter(title="起火").exists()


def test_supervision_deadline_out_of_range_is_a_400(world, staff_a):
    category = make_categories(world.a.community)[TicketKind.COMPLAINT]
    created = staff_a.post(
        url(world.a, "complaints/"),
        {"category": category.pk, "description": "楼上噪音", "channel": "phone"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    response = staff_a.post(
        url(world.a, f"complaints/{pk}/supervise/"),
        {"due_at": "0001-01-01T00:00:00"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"due_at": ["时间数值超出有效范围。"]}


def _datetime_fields(serializer, where):
    for name, field in serializer.fields.items():
        child = getattr(field, "child", None)
        if isinstance(field, serializers.BaseSerializer):
            yield from _datetime_fields(child if child is not None else field, f"{where}.{name}")
        elif isinstance(field, serializers.DateTimeField) and not field.read_only:
            yield f"{where}.{name}", field


def test_every_writable_instant_of_the_api_is_an_instant_field():
    """The fix lives in one field class; a serializer built on DRF's own would bring the 500
    back. Walks every API view's serializer and the serializers its actions parse."""
    from community.records import serializers as records
    from complaints import serializers as complaints
    from property_ops import serializers as property_ops
    from residents import serializers as residents
    from tickets import serializers as tickets

    plain = []
    for module in (records, complaints, property_ops, residents, tickets):
        for name in dir(module):
            cls = getattr(module, name)
            if (
                isinstance(cls, type)
                and issubclass(cls, serializers.Serializer)
                and cls.__module__ == module.__name__
            ):
                serializer = cls(context={"community": None, "request": None})
                plain += [
                    where
                    for where, field in _datetime_fields(serializer, cls.__name__)
                    if not isinstance(field, InstantField)
                ]
    assert plain == []


# --- NUL characters --------------------------------------------------------------------------


def test_nul_in_a_free_text_survey_answer_is_a_400_and_saves_nothing(world, api_as):
    from community.models import SurveyResponse
    from community.records import services

    now = timezone.now()
    survey = services.survey_save(
        community=world.a.community,
        survey=None,
        data={"title": "意见征集", "opens_at": now - HOUR, "closes_at": now + HOUR},
        questions=[{"kind": "free_text", "text": "还有什么建议？"}],
    )
    question = survey.questions.get()
    resident = api_as(world.a.users[Role.RESIDENT])
    response = resident.post(
        url(world.a, f"surveys/{survey.pk}/answer/"),
        {"answers": {str(question.pk): "多装\u0000路灯"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"answers": ["文本中含有无法保存的空字符（U+0000）。"]}
    assert not SurveyResponse.objects.filter(survey=survey).exists()


# Every id filter of every app, and the rating filter: a number the database cannot hold, or not
# a whole number, answered 500 (integer overflow) or matched a rounded id (1.5 -> 1).
ID_FILTERS = [
    ("complaints/", "category"),
    ("complaints/", "building"),
    ("complaints/", "assignee"),
    ("work-orders/", "organisation"),
    ("households/", "building"),
    ("households/", "unit"),
    ("residents/", "household"),
    ("maintenance-records/", "facility"),
    ("service-uses/", "service"),
    ("agenda-topics/", "meeting"),
]


@pytest.mark.parametrize(("path", "name"), ID_FILTERS)
@pytest.mark.parametrize("value", ["-1.947622094875296e+53", "9223372036854775808", "1.5", "0"])
def test_an_id_filter_refuses_what_is_no_id_with_400_naming_it(staff_a, world, path, name, value):
    response = staff_a.get(url(world.a, path), {name: value})
    assert response.status_code == 400, response.content
    assert list(response.json()) == [name]


def test_the_rating_filter_takes_whole_scores_from_1_to_5(staff_a, world):
    assert staff_a.get(url(world.a, "service-uses/"), {"rating": "4.5"}).status_code == 400
    assert staff_a.get(url(world.a, "service-uses/"), {"rating": "6"}).status_code == 400
    assert staff_a.get(url(world.a, "service-uses/"), {"rating": "5"}).status_code == 200


def test_ids_in_a_body_are_numbers_the_database_can_hold(staff_a, world):
    # Attendance answered 500 (integer overflow) for a sign-up id beyond bigint.
    from tests.records.test_workflows import make_activity

    activity = make_activity(world.a.community, capacity=5)
    response = staff_a.post(
        url(world.a, f"activities/{activity.pk}/attendance/"),
        {"attended": [2**63]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["attended"]) == ["0"]
