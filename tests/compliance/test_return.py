"""The quarterly compliance return: its figures on a small fixed dataset (overall, by equality
group, for under-18s, with the missing data), the template as data, the survey answers beside
the measures, and its page, CSV and JSON."""

import csv
import datetime
import io
import secrets

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from cases.models import VictimPersonalStatement, VpsStatus
from compliance import returns
from compliance.models import ReturnTemplate
from counting.filters import NO_FILTERS, Filters
from counting.periods import Period
from entitlements.models import Duty
from surveys.models import Answer, Invitation, InvitationStatus, Question, Stage, SurveyRule
from tests.cases.factories import victim_of
from tests.compliance.builders import UTC, S, case_with, duty
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 15, 9, 0, tzinfo=UTC)  # in October: July to September is over
Q3 = Period.quarter(2026, 3)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def supervisor():
    return make_user(Role.SUPERVISOR)


def _answer(case, *, value: int, stage=Stage.EASE_OF_CONTACT, created_at=None):
    """A completed survey of the case's victim, answering the stage's scale question."""
    rule = SurveyRule.objects.get(name="Victims: 6 weeks after the report")
    created_at = created_at or at(2026, 8, 20, 10)
    invitation = Invitation.objects.create(
        case=case,
        party=victim_of(case),
        template=rule.template,
        rule=rule,
        audience=rule.template.audience,
        nonce=secrets.token_urlsafe(16),
        channel="email",
        status=InvitationStatus.COMPLETED,
        created_at=created_at,
        sent_at=created_at,
        completed_at=created_at,
        expires_at=created_at + datetime.timedelta(days=28),
    )
    question = Question.objects.filter(template=rule.template, stage=stage, kind="scale").first()
    Answer.objects.create(invitation=invitation, question=question, scale_value=value)


@pytest.fixture
def quarter():
    """July to September 2026.
    Amy (female, White British, 16 when reported): acknowledgement met; referral missed; offered
    a VPS; very satisfied with ease of contact.
    Ben (male, no ethnicity, 36): acknowledgement met late, one declined; referral met; very
    dissatisfied with ease of contact.
    Cal (nothing recorded): acknowledgement met; another met in June and one due in October.
    A restricted case of another team, which the supervisor may not see: acknowledgement met."""
    amy = case_with(
        reported_at=at(2026, 7, 1, 9),
        victim={
            "sex": "Female",
            "ethnicity": "White British",
            "date_of_birth": datetime.date(2010, 3, 1),
        },
    )
    duty(amy, S.MET, rule="R2", due_at=at(2026, 7, 8, 12))
    duty(amy, S.MISSED, rule="R4", due_at=at(2026, 7, 5, 12))
    VictimPersonalStatement.objects.create(
        party=victim_of(amy),
        status=VpsStatus.OFFERED,
        offered_at=at(2026, 7, 20, 12),
        recorded_by=amy.officer,
    )
    _answer(amy, value=2)
    ben = case_with(
        reported_at=at(2026, 7, 10, 9),
        victim={"sex": "Male", "ethnicity": "", "date_of_birth": datetime.date(1990, 1, 1)},
    )
    duty(ben, S.MET_LATE, rule="R2", due_at=at(2026, 7, 15, 12))
    duty(ben, S.DECLINED, rule="R2", due_at=at(2026, 7, 16, 12))
    duty(ben, S.MET, rule="R4", due_at=at(2026, 7, 12, 12))
    _answer(ben, value=6)
    cal = case_with(reported_at=at(2026, 8, 1, 9), victim={"sex": "", "ethnicity": ""})
    duty(cal, S.MET, rule="R2", due_at=at(2026, 8, 5, 12))
    duty(cal, S.MET, rule="R2", due_at=at(2026, 6, 5, 12))
    duty(cal, S.DUE, rule="R2", due_at=at(2026, 10, 20, 12))
    hidden = case_with(reported_at=at(2026, 7, 2, 9), restricted=True, team=TeamFactory())
    duty(hidden, S.MET, rule="R2", due_at=at(2026, 7, 6, 12))
    return amy, ben, cal


def _return(user, quarter=Q3, filters=NO_FILTERS):
    return returns.return_for(user, quarter=quarter, filters=filters, now=NOW)


def _measure(figures, key):
    return next(m for m in figures["measures"] if m["key"] == key)


def _groups(measure, breakdown):
    found = next(b for b in measure["breakdowns"] if b["key"] == breakdown)
    return {g["label"]: (g["numerator"], g["denominator"], g["percent"]) for g in found["groups"]}


def test_written_acknowledgement_by_equality_group_and_for_under_18s(supervisor, quarter):
    figures = _return(supervisor)
    ack = _measure(figures, "acknowledgement_on_time")
    assert ack["label"] == "Written acknowledgement sent in time"
    assert (ack["numerator"], ack["denominator"], ack["percent"]) == (2, 3, 66.7)
    assert _groups(ack, "sex") == {
        "Female": (1, 1, 100.0),
        "Male": (0, 1, 0.0),
        "Not recorded": (1, 1, 100.0),
    }
    assert _groups(ack, "ethnicity") == {
        "White British": (1, 1, 100.0),
        "Not recorded": (1, 2, 50.0),
    }
    assert _groups(ack, "under_18") == {
        "Under 18": (1, 1, 100.0),
        "18 and over": (0, 1, 0.0),
        "Not recorded": (1, 1, 100.0),
    }
    assert _groups(ack, "age_band") == {
        "Under 18": (1, 1, 100.0),
        "35 to 44": (0, 1, 0.0),
        "Not recorded": (1, 1, 100.0),
    }
    assert ack["missing_data"] == (
        "Of the 3 duties counted, not recorded: date of birth for 1, sex for 1 and ethnicity for 2."
    )
    assert {b["key"]: b["not_recorded"] for b in ack["breakdowns"]} == {
        "under_18": 1,
        "age_band": 1,
        "sex": 1,
        "ethnicity": 2,
    }


def test_referral_vps_and_an_empty_measure(supervisor, quarter):
    figures = _return(supervisor)
    referral = _measure(figures, "referral_on_time")
    assert (referral["numerator"], referral["denominator"], referral["percent"]) == (1, 2, 50.0)
    assert _groups(referral, "under_18")["Under 18"] == (0, 1, 0.0)
    vps = _measure(figures, "vps_offered")
    assert vps["unit"] == "victims"
    assert (vps["numerator"], vps["denominator"], vps["percent"]) == (1, 3, 33.3)
    assert _groups(vps, "under_18")["Under 18"] == (1, 1, 100.0)
    updates = _measure(figures, "updates_on_time")
    assert (updates["numerator"], updates["denominator"], updates["percent"]) == (0, 0, None)
    assert updates["missing_data"] == "No duties to count in this quarter."
    assert _groups(updates, "sex") == {"Not recorded": (0, 0, None)}


def test_survey_answers_stand_beside_the_measure_they_speak_to(supervisor, quarter):
    figures = _return(supervisor)
    assert _measure(figures, "acknowledgement_on_time")["feedback"] == {
        "stage": "ease_of_contact",
        "stage_label": "Ease of contact",
        "answers": 2,
        "satisfied": 1,
        "percent": 50.0,
    }
    assert _measure(figures, "updates_on_time")["feedback"]["answers"] == 0
    assert _measure(figures, "referral_on_time")["feedback"] is None


def test_the_figures_equal_the_duties_behind_them(supervisor, quarter):
    """Recounted from the duty rows, one by one, as a person would."""
    figures = _return(supervisor)
    for key, code in (("acknowledgement_on_time", "R2"), ("referral_on_time", "R4")):
        counted = [
            d
            for d in Duty.objects.filter(rule__code=code, case__restricted=False).select_related(
                "party__person"
            )
            if Q3.start_at < d.due_at <= Q3.end_at
            and d.status in (S.MET, S.MET_LATE, S.MISSED, S.DUE)
        ]
        measure = _measure(figures, key)
        assert measure["denominator"] == len(counted)
        assert measure["numerator"] == sum(1 for d in counted if d.status == S.MET)
        by_sex = _groups(measure, "sex")
        for sex in {d.party.person.sex for d in counted}:
            rows = [d for d in counted if d.party.person.sex == sex]
            met, base, _ = by_sex[sex or "Not recorded"]
            assert (met, base) == (sum(1 for d in rows if d.status == S.MET), len(rows))


def test_a_team_narrows_the_return(supervisor, quarter):
    amy, *_ = quarter
    figures = _return(supervisor, filters=Filters(team=amy.team_id))
    ack = _measure(figures, "acknowledgement_on_time")
    assert (ack["numerator"], ack["denominator"]) == (1, 1)


def test_a_new_template_changes_the_measures_of_later_quarters_only(supervisor, quarter):
    later = ReturnTemplate.objects.create(
        effective_from=datetime.date(2026, 10, 1), name="Prescribed return", source="Test"
    )
    later.measures.create(order=1, key="referral_on_time", label="Referred in time")
    assert len(_return(supervisor)["measures"]) == 5
    with time_machine.travel(at(2027, 1, 10, 9), tick=False):
        figures = returns.return_for(
            supervisor,
            quarter=Period.quarter(2026, 4),
            filters=NO_FILTERS,
            now=at(2027, 1, 10, 9),
        )
    assert [m["label"] for m in figures["measures"]] == ["Referred in time"]
    assert figures["template"]["name"] == "Prescribed return"


def test_every_measure_a_template_may_name_is_counted_somewhere():
    from compliance.models import MeasureKey

    assert set(returns.MEASURES) == set(MeasureKey.values)


# --- the page, CSV and JSON -----------------------------------------------------------------------


def test_page_defaults_to_the_last_complete_quarter(client, supervisor, quarter):
    client.force_login(supervisor)
    response = client.get(reverse("compliance-return"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Victims' Code compliance return: July to September 2026" in content
    assert "Written acknowledgement sent in time" in content
    assert "2 of 3 duties" in content
    assert "50.0% satisfied, of 2 answers" in content
    for personal in ("Timson", quarter[0].crime_reference):
        assert personal not in content


def test_page_refuses_a_bad_quarter_on_the_field(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("compliance-return"), {"quarter": "2026-Q5"})
    assert response.status_code == 400
    assert "for example 2026-Q3" in response.content.decode()


def test_csv_has_the_counts_and_keeps_formulas_as_text(client, supervisor, quarter):
    amy, *_ = quarter
    person = victim_of(amy).person
    person.ethnicity = '=HYPERLINK("http://x")'
    person.save()
    ReturnTemplate.objects.get().measures.filter(key="referral_on_time").update(label="+Referral")
    client.force_login(supervisor)
    response = client.get(reverse("compliance-return-csv"), {"quarter": "2026-Q3"})
    assert response.status_code == 200
    assert 'filename="victims-code-return-2026-Q3.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == returns.RETURN_COLUMNS
    ack = [r for r in rows if r[1] == "Written acknowledgement sent in time"]
    assert ack[0][3:8] == ["All", "All", "2", "3", "66.7"]
    assert ack[0][8:11] == ["Ease of contact", "2", "50.0"]
    assert ["Ethnicity", '\'=HYPERLINK("http://x")', "1", "1", "100.0"] in [r[3:8] for r in ack]
    assert any(r[1] == "'+Referral" for r in rows)
    assert not any(r[1] == "+Referral" for r in rows)


def test_csv_refuses_a_bad_quarter(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("compliance-return-csv"), {"quarter": "last"})
    assert response.status_code == 400


def test_json_shape(client, supervisor, quarter):
    client.force_login(supervisor)
    response = client.get(reverse("api-compliance-return"), {"quarter": "2026-q3"})
    assert response.status_code == 200
    body = response.json()
    assert body["quarter"] == {
        "start": "2026-07-01",
        "end": "2026-09-30",
        "label": "July to September 2026",
        "complete": True,
    }
    assert body["team"] is None
    assert body["template"]["effective_from"] == "2021-04-01"
    ack = body["measures"][0]
    assert set(ack) == {
        "key", "label", "unit", "numerator", "denominator", "percent", "breakdowns",
        "missing_data", "survey_stage", "feedback",
    }  # fmt: skip
    assert [b["key"] for b in ack["breakdowns"]] == ["under_18", "age_band", "sex", "ethnicity"]
    assert ack["breakdowns"][0]["groups"][0] == {
        "value": "under-18",
        "label": "Under 18",
        "numerator": 1,
        "denominator": 1,
        "percent": 100.0,
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"quarter": "2026-Q5"}, "quarter"),
        ({"quarter": "Q3 2026"}, "quarter"),
        ({"quarter": "2027-Q1"}, "quarter"),  # not started yet
        ({"team": "999999"}, "team"),
    ],
)
def test_json_refuses_bad_input_with_field_errors(client, supervisor, params, field):
    client.force_login(supervisor)
    response = client.get(reverse("api-compliance-return"), params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_another_supervisors_team_is_refused(client, supervisor):
    other = TeamFactory()
    client.force_login(supervisor)
    response = client.get(reverse("api-compliance-return"), {"team": other.pk})
    assert response.status_code == 400
    mine = TeamFactory()
    accounts_services.add_to_team(team=mine, user=supervisor, is_supervisor=True)
    assert client.get(reverse("api-compliance-return"), {"team": mine.pk}).status_code == 200


@pytest.mark.parametrize("role", [Role.OFFICER, Role.WITNESS_CARE, Role.AGENCY, Role.AUDITOR])
@pytest.mark.parametrize(
    "name", ["compliance-return", "compliance-return-csv", "api-compliance-return"]
)
def test_only_supervisors_reach_the_return(client, role, name):
    client.force_login(make_user(role))
    assert client.get(reverse(name)).status_code == 403


def _queries(client, name) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name), {"quarter": "2026-Q3"}).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "name", ["compliance-return", "compliance-return-csv", "api-compliance-return"]
)
def test_queries_do_not_grow_with_groups_or_cases(
    client, supervisor, quarter, name, django_assert_max_num_queries
):
    client.force_login(supervisor)
    # Session, user and roles (3), the template and its measures (2), the age bands, one query
    # per measure (5), one for the survey answers; then the page's menu and team choices (3) or
    # the CSV's audit record, and the session's save (3).
    with django_assert_max_num_queries(18):
        client.get(reverse(name), {"quarter": "2026-Q3"})
    before = _queries(client, name)
    for n in range(6):
        case = case_with(
            reported_at=at(2026, 8, 2 + n, 9),
            victim={
                "sex": f"Sex {n}",
                "ethnicity": f"Group {n}",
                "date_of_birth": datetime.date(1950, 1, 1),
            },
        )
        duty(case, S.MET, rule="R2", due_at=at(2026, 8, 10 + n, 12))
        duty(case, S.MISSED, rule="R14", due_at=at(2026, 8, 10 + n, 12))
    assert _queries(client, name) == before
