from community.models import Membership

Role = Membership.Role


def test_pages_render(records, world, page_as):
    client = page_as(world.a.users[Role.COMMITTEE_STAFF])
    slug = world.a.community.slug
    for path in [
        "meetings/",
        "topics/",
        "opinions/",
        "activities/",
        "volunteers/teams/",
        "volunteers/hours/",
        "disclosures/",
        "surveys/",
        "emergency/plans/",
        "emergency/drills/",
        "emergency/incidents/",
        "trainings/",
    ]:
        r = client.get(f"/c/{slug}/{path}")
        assert r.status_code == 200, path
