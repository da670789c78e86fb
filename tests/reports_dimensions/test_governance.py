"""Joint meetings, agenda topics, resident opinions and mediation (reports/metrics/governance.py),
against counts made by hand from the rows written here."""

from tests.reports.conftest import at, figures

from .conftest import count, rate


def test_joint_meetings_per_quarter(rec):
    rec.meeting(rec.at(2015, 1, 1))
    rec.meeting(rec.at(2015, 3, 31, 23, 59))
    rec.meeting(rec.at(2015, 2, 1), kind="residents_forum")  # not a joint meeting
    rec.meeting(rec.at(2015, 4, 1))
    rec.meeting(rec.at(2015, 12, 31, 23, 59))
    rec.meeting(rec.at(2016, 1, 1))
    year = figures(rec.c, "2015", at(2016, 3, 1))
    count(year, "governance.joint_meetings_count", 4)
    for quarter, held in (("Q1", 2), ("Q2", 1), ("Q3", 0), ("Q4", 1)):
        count(year, f"governance.joint_meetings_count[quarter=2015-{quarter}]", held)
    early = figures(rec.c, "2015", rec.at(2015, 12, 31, 12))
    count(early, "governance.joint_meetings_count", 3)
    count(early, "governance.joint_meetings_count[quarter=2015-Q4]", 0)


def test_topics_raised_in_the_period_and_resolved_by_as_of(rec):
    rec.topic(rec.at(2015, 3, 1), rec.at(2015, 3, 10))
    rec.topic(rec.at(2015, 3, 5), rec.at(2015, 4, 5))
    rec.topic(rec.at(2015, 3, 31, 23, 59))
    rec.topic(rec.at(2015, 2, 28, 23, 59), rec.at(2015, 3, 2))  # February
    rate(figures(rec.c, "2015-03", at(2015, 4, 30)), "governance.topic_resolution_rate", 2, 3)
    rate(figures(rec.c, "2015-03", rec.at(2015, 4, 1)), "governance.topic_resolution_rate", 1, 3)
    rate(figures(rec.c, "2015-05", at(2016, 1, 1)), "governance.topic_resolution_rate", 0, 0)


def test_opinions_adopted_among_those_decided_by_as_of(rec):
    rec.opinion(rec.at(2015, 3, 1), "adopted", rec.at(2015, 3, 2))
    rec.opinion(rec.at(2015, 3, 2), "not_adopted", rec.at(2015, 3, 3))
    rec.opinion(rec.at(2015, 3, 3), "adopted", rec.at(2015, 4, 10))
    rec.opinion(rec.at(2015, 3, 4))  # pending
    rec.opinion(rec.at(2015, 4, 1), "adopted", rec.at(2015, 4, 2))  # April
    key = "governance.opinion_adoption_rate"
    rate(figures(rec.c, "2015-03", at(2015, 5, 1)), key, 2, 3, undecided=1)
    rate(figures(rec.c, "2015-03", rec.at(2015, 4, 1)), key, 1, 2, undecided=2)
    rate(figures(rec.c, "2015-05", at(2016, 1, 1)), key, 0, 0)


def test_mediation_success_among_disputes_concluded_in_the_period(rec):
    rec.dispute(rec.at(2015, 3, 1), "agreement")
    rec.dispute(rec.at(2015, 3, 10), "no_agreement")
    rec.dispute(rec.at(2015, 3, 20), "withdrawn")
    rec.dispute(rec.at(2015, 3, 31, 23, 59), "referred")
    rec.dispute(rec.at(2015, 4, 1), "agreement")  # April
    rec.dispute(None)  # still being mediated
    key = "governance.mediation_success_rate"
    rate(figures(rec.c, "2015-03", at(2016, 1, 1)), key, 1, 4)
    rate(figures(rec.c, "2015-03", rec.at(2015, 3, 15)), key, 1, 2)
    rate(figures(rec.c, "2015-05", at(2016, 1, 1)), key, 0, 0)
