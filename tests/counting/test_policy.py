"""What reports count by is data: editions with a date, read in force on the day the caller
passes; a past period keeps the edition in force at its end."""

import datetime

import pytest

from accounts.models import Role
from cases.models import Basis, BasisSource, Case, EligibilityBasis
from compliance import duty_figures, summary
from compliance.service_figures import live_service_measures
from compliance.sources import LiveFigures, SummaryFigures
from counting import policy
from counting.filters import Filters, filter_duties
from counting.models import AgeBandEdition, KeyEntitlementEdition, VulnerableBasisEdition
from counting.periods import Period
from entitlements.models import Duty
from retention.services import age_band
from tests.cases.factories import victim_of
from tests.compliance.builders import UTC, S, case_with, duty
from tests.factories import make_user

pytestmark = pytest.mark.django_db

JUNE = Period(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
JULY = Period(datetime.date(2026, 7, 1), datetime.date(2026, 7, 31))
NOW = datetime.datetime(2026, 8, 15, 12, 0, tzinfo=UTC)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def test_the_seeded_rules_are_those_the_code_counted_by():
    today = datetime.date(2026, 6, 30)
    assert [(b.code, b.label, b.from_age, b.below_age) for b in policy.age_bands(today)] == [
        ("under-18", "Under 18", 0, 18),
        ("18-24", "18 to 24", 18, 25),
        ("25-34", "25 to 34", 25, 35),
        ("35-44", "35 to 44", 35, 45),
        ("45-54", "45 to 54", 45, 55),
        ("55-64", "55 to 64", 55, 65),
        ("65-plus", "65 and over", 65, None),
    ]
    assert [(e.label, e.codes, e.held_by_force) for e in policy.key_entitlements(today)] == [
        ("Written acknowledgement", ("R2",), True),
        ("Referral to support services", ("R4",), True),
        ("Updates within the agreed timeframe", ("R5-U",), True),
        ("Opportunity to make a Victim Personal Statement", ("R14",), True),
        ("Advance notice of the offender's release", (), False),
    ]
    assert set(policy.vulnerable_bases(today)) == {
        Basis.UNDER_18,
        Basis.MENTAL_DISORDER,
        Basis.IMPAIRMENT,
        Basis.PHYSICAL,
        Basis.INTIMIDATED,
    }


def test_a_period_before_the_first_edition_counts_by_the_first():
    long_ago = datetime.date(2001, 1, 1)
    assert policy.age_bands(long_ago) == policy.age_bands(datetime.date(2026, 1, 1))
    assert policy.key_entitlements(long_ago)[0].codes == ("R2",)


def test_a_new_key_entitlements_edition_counts_from_its_date_and_june_keeps_the_old():
    edition = KeyEntitlementEdition.objects.create(
        effective_from=JULY.start, source="A force's own list (test)"
    )
    edition.entitlements.create(order=1, label="Written acknowledgement", rule_codes="R2, R7")
    case = case_with(reported_at=at(2026, 5, 1, 9))
    for month in (6, 7):
        duty(case, S.MET, rule="R2", due_at=at(2026, month, 10, 12))
        duty(case, S.MISSED, rule="R7", due_at=at(2026, month, 11, 12))
    source = LiveFigures(Duty.objects.all())

    june = duty_figures.key_entitlements(source, JUNE, now=NOW)
    july = duty_figures.key_entitlements(source, JULY, previous=JUNE, now=NOW)

    assert (june[0]["label"], june[0]["total"], june[0]["on_time"]) == (
        "Written acknowledgement",
        1,
        100.0,
    )
    assert len(june) == 5 and june[-1]["not_held"]
    assert [(e["label"], e["total"], e["on_time"]) for e in july] == [
        ("Written acknowledgement", 2, 50.0)
    ]
    # June counted by June's rules (R2 alone) for the comparison.
    assert july[0]["previous_on_time"] == 100.0
    assert july[0]["change"]["text"] == "down 50 percentage points"


def test_the_age_band_filter_reads_the_bands_in_force_on_the_day_given():
    edition = AgeBandEdition.objects.create(effective_from=JULY.start, source="test")
    edition.bands.create(code="under-25", label="Under 25", from_age=0, below_age=25)
    edition.bands.create(code="25-plus", label="25 and over", from_age=25, below_age=None)
    case = case_with(
        reported_at=at(2026, 6, 5, 9), victim={"date_of_birth": datetime.date(2004, 1, 1)}
    )
    duty(case, S.MET, due_at=at(2026, 6, 10, 12))
    young = Filters(age_band="under-25")
    assert filter_duties(Duty.objects.all(), young, on=JULY.end).count() == 1
    assert not filter_duties(Duty.objects.all(), young, on=JUNE.end).exists()
    assert filter_duties(Duty.objects.all(), Filters(age_band="18-24"), on=JUNE.end).count() == 1


def _vulnerable_only_by_a_new_basis():
    """A victim reported in June whose only basis is bereavement, which the seeded rules do not
    count as vulnerable; and an edition from 1 July that does."""
    case = case_with(reported_at=at(2026, 6, 5, 9))
    EligibilityBasis.objects.create(
        party=victim_of(case),
        basis=Basis.BEREAVED,
        applies=True,
        source=BasisSource.OFFICER,
        assessed_at=at(2026, 6, 5, 10),
    )
    edition = VulnerableBasisEdition.objects.create(effective_from=JULY.start, source="test")
    for basis in (*policy.vulnerable_bases(JUNE.end), Basis.BEREAVED):
        edition.bases.create(basis=basis)
    return case


def test_who_counts_as_vulnerable_is_read_in_force_at_the_period_end():
    _vulnerable_only_by_a_new_basis()
    june = live_service_measures(Case.objects.all(), JUNE)
    june_and_july = live_service_measures(Case.objects.all(), Period(JUNE.start, JULY.end))
    assert june["vulnerable_or_intimidated"] == 0
    assert june_and_july["vulnerable_or_intimidated"] == 1


def test_the_summary_is_not_used_for_a_period_counted_by_other_rules():
    _vulnerable_only_by_a_new_basis()
    supervisor = make_user(Role.SUPERVISOR)
    summary.refresh(now=NOW)  # counted by July's rules
    june = SummaryFigures(supervisor, on=JUNE.end).service_measures(JUNE, now=NOW)
    assert "medians_bucketed" not in june  # read live, by June's rules
    assert june == LiveFigures.visible_to(supervisor, on=JUNE.end).service_measures(JUNE, now=NOW)
    whole = Period(JUNE.start, JULY.end)
    summed = SummaryFigures(supervisor, on=whole.end).service_measures(whole, now=NOW)
    assert summed["medians_bucketed"] is True
    assert summed["vulnerable_or_intimidated"] == 1


def test_retention_keeps_the_dashboards_age_bands():
    on = datetime.date(2026, 6, 30)
    assert age_band(50, on=on) == "45 to 54"  # "45 to 64" before the bands were one
    assert age_band(60, on=on) == "55 to 64"
    assert age_band(17, on=on) == "Under 18"
    assert age_band(None, on=on) == ""


def test_administrators_keep_the_editions(client):
    admin = make_user(Role.ADMIN, is_superuser=True, is_staff=True)
    client.force_login(admin)
    for model in ("agebandedition", "keyentitlementedition", "vulnerablebasisedition"):
        assert client.get(f"/admin/counting/{model}/").status_code == 200
        assert client.get(f"/admin/counting/{model}/add/").status_code == 200
