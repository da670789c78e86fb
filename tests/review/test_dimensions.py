"""Every figure of the registry has a place in the review."""

from reports.review.dimensions import DIMENSIONS, dimension_of, registry_keys


def test_every_registry_figure_belongs_to_one_of_the_four_dimensions():
    keys = registry_keys()
    assert "tickets.closure_rate" in keys
    assert [key for key in keys if dimension_of(key) is None] == []


def test_prefixes_are_read_as_the_source_document_groups_them():
    assert [d.code for d in DIMENSIONS] == ["service", "governance", "emergency", "team"]
    expected = {
        "tickets.closure_rate": "service",
        "complaints.supervised_count": "service",
        "governance.topic_resolution_rate": "governance",
        "participation.volunteer_hours": "governance",
        "safety.patrol_completion_rate": "emergency",
        "emergency.drills_count": "emergency",
        "team.training_coverage_rate": "team",
        "tech.online_submission_rate": "team",
    }
    assert {key: dimension_of(key).code for key in expected} == expected
