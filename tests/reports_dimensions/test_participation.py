"""Activities, volunteers, disclosures and surveys (reports/metrics/participation.py), against
counts made by hand from the rows written here."""

from tests.reports.conftest import at, figures

from .build import D
from .conftest import check, count, rate


def test_activities_participations_and_distinct_participants(rec):
    rec.activity(rec.at(2015, 3, 1), "甲", "乙", "丙", absent=("丙",))
    rec.activity(rec.at(2015, 3, 31, 23, 59), "甲", "丁")
    rec.activity(rec.at(2015, 3, 10), "戊", cancelled=True)
    rec.activity(rec.at(2015, 4, 1), "己")  # April
    march = figures(rec.c, "2015-03", at(2016, 1, 1))
    count(march, "participation.activities_count", 2, cancelled=1)
    count(march, "participation.participations_count", 4, cancelled_activity=1)
    count(march, "participation.participants_count", 3)
    mid = figures(rec.c, "2015-03", rec.at(2015, 3, 20))
    count(mid, "participation.activities_count", 1, cancelled=1)
    count(mid, "participation.participations_count", 2, cancelled_activity=1)
    count(mid, "participation.participants_count", 2)


def test_volunteer_hours_and_volunteers(rec):
    rec.volunteer("甲", D(2015, 3, 1), "2.5")
    rec.volunteer("甲", D(2015, 3, 31), "1.5")
    rec.volunteer("乙", D(2015, 3, 15), "3.0")
    rec.volunteer("丙", D(2015, 4, 1), "4.0")
    rec.volunteer("丁", D(2015, 2, 28), "1.0")
    march = figures(rec.c, "2015-03", at(2016, 1, 1))
    check(march, "participation.volunteer_hours", 7.0, 7.0, None, 3)
    count(march, "participation.volunteers_count", 2)
    mid = figures(rec.c, "2015-03", rec.at(2015, 3, 30, 12))
    check(mid, "participation.volunteer_hours", 5.5, 5.5, None, 2)
    count(mid, "participation.volunteers_count", 2)
    empty = figures(rec.c, "2015-05", at(2016, 1, 1))
    check(empty, "participation.volunteer_hours", 0.0, 0.0, None, 0)


def test_disclosures_per_quarter_and_kind_and_their_channels(rec):
    rec.channel("portal", D(2014, 1, 1))
    rec.channel("notice_board", D(2014, 1, 1), D(2015, 12, 31))  # stopped on the last day
    rec.channel("official_account", D(2015, 6, 1))
    fee = rec.disclosure("property_fee", rec.at(2015, 1, 1), "portal", "notice_board")
    rec.disclosure("public_revenue", rec.at(2015, 3, 31, 23, 59), "wechat_group")  # not run
    rec.disclosure("property_fee", rec.at(2015, 4, 2), "portal", "official_account", corrects=fee)
    rec.disclosure("maintenance_fund", rec.at(2015, 12, 31, 23, 59))  # on no channel
    rec.disclosure("other", rec.at(2016, 1, 1), "portal")
    year = figures(rec.c, "2015", at(2016, 3, 1))
    count(year, "disclosure.count", 3, correction=1)
    count(year, "disclosure.count[kind=property_fee]", 1, correction=1)
    count(year, "disclosure.count[kind=public_revenue]", 1)
    count(year, "disclosure.count[kind=maintenance_fund]", 1)
    assert "disclosure.count[kind=other]" not in year
    count(year, "disclosure.count[quarter=2015-Q1]", 2)
    count(year, "disclosure.count[quarter=2015-Q2]", 0, correction=1)
    count(year, "disclosure.count[quarter=2015-Q3]", 0)
    count(year, "disclosure.count[quarter=2015-Q4]", 1)
    # Running at the end: portal and official account. Property fees reached both (the
    # correction counts as a publication), public revenue none of them, the fund none.
    key = "disclosure.channel_coverage_rate"
    rate(year, f"{key}[kind=property_fee]", 2, 2, channel_not_running=1)
    rate(year, f"{key}[kind=public_revenue]", 0, 2, channel_not_running=1)
    rate(year, f"{key}[kind=maintenance_fund]", 0, 2)
    rate(year, key, 2, 6, channel_not_running=2)
    # On 31 March at noon: portal and notice board run; only the fee statement is out.
    q1 = figures(rec.c, "2015", rec.at(2015, 3, 31, 12))
    count(q1, "disclosure.count", 1)
    rate(q1, key, 2, 2)
    empty = figures(rec.c, "2014", at(2016, 1, 1))
    count(empty, "disclosure.count", 0)
    rate(empty, key, 0, 0)


def test_survey_awareness_and_satisfaction_per_question_and_overall(rec):
    q1, q2, q3, _choice = rec.survey(
        rec.at(2015, 3, 1),
        ("satisfaction", "awareness", "satisfaction", "single_choice"),
        (rec.at(2015, 3, 2), 5, 1, 3, None),
        (rec.at(2015, 3, 3), 4, 0, None, None),
        (rec.at(2015, 4, 5), 2, 1, 5, None),  # answered in April: the survey is March's
    )
    (unanswered,) = rec.survey(rec.at(2015, 3, 20), ("awareness",))
    rec.survey(rec.at(2015, 2, 28, 23, 59), ("satisfaction",), (rec.at(2015, 3, 1), 1))  # Feb
    march = figures(rec.c, "2015-03", at(2015, 5, 1))
    sat, aware = "survey.satisfaction_rate", "disclosure.awareness_rate"
    rate(march, f"{sat}[question={q1}]", 2, 3)
    rate(march, f"{sat}[question={q3}]", 1, 2, blank=1)
    rate(march, sat, 3, 5, blank=1)
    rate(march, f"{aware}[question={q2}]", 2, 3)
    rate(march, f"{aware}[question={unanswered}]", 0, 0)
    rate(march, aware, 2, 3)
    assert {k for k in march if "[question=" in k} == {
        f"{sat}[question={q1}]",
        f"{sat}[question={q3}]",
        f"{aware}[question={q2}]",
        f"{aware}[question={unanswered}]",
    }
    end = figures(rec.c, "2015-03", rec.at(2015, 3, 31))  # the April answers do not exist yet
    rate(end, f"{sat}[question={q1}]", 2, 2)
    rate(end, f"{sat}[question={q3}]", 0, 1, blank=1)
    rate(end, sat, 2, 3, blank=1)
    rate(end, aware, 1, 2)
    rate(figures(rec.c, "2015-05", at(2016, 1, 1)), sat, 0, 0)
