"""The rest of editions as a workflow (issue 22): the rules API (read editions and rules, change a
draft's rule, schedule a draft; 400 with sentences on the fields; the administrator's only), a
rule added to or removed from a draft in its pages, and rules by age band, as data."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from entitlements import editions, letters
from entitlements.models import Duty, DutyRule, Edition
from tests.cases.factories import victim_of
from tests.entitlements.test_engine import arrest, london, make_case
from tests.factories import make_user

pytestmark = pytest.mark.django_db

NOW = london(2027, 1, 11, 12, 0)
START = datetime.date(2027, 2, 1)


@pytest.fixture
def admin_user():
    return make_user(Role.ADMIN)


@pytest.fixture
def current():
    return Edition.objects.get(starts_on__isnull=False, ends_on__isnull=True)


@pytest.fixture
def draft(current, admin_user):
    return editions.copy_edition(
        current, by=admin_user, name="Victims' Code 2027", source="CP 1502, test", now=NOW
    )


@pytest.fixture
def api(admin_user):
    client = APIClient()
    client.force_login(admin_user)
    return client


def rule_url(edition, code):
    rule = edition.rules.get(code=code)
    return reverse("api-edition-rule", args=[edition.pk, rule.pk])


# --- the rules API -----------------------------------------------------------------------------


def test_the_api_lists_editions_and_reads_one_with_its_rules(
    api, current, draft, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        listed = api.get(reverse("api-edition-list"))
    assert listed.status_code == 200
    by_name = {row["name"]: row for row in listed.json()}
    assert by_name[draft.name]["status"] == "draft"
    assert by_name[current.name]["status"] == "in_force"
    assert by_name[current.name]["period"] == "In force from 1 April 2021 (no end date)"
    with django_assert_max_num_queries(8):
        detail = api.get(reverse("api-edition-detail", args=[draft.pk]))
    rules = {rule["code"]: rule for rule in detail.json()["rules"]}
    assert len(rules) == draft.rules.count()
    assert rules["R7"]["standard_working_days"] == 5
    assert rules["R7"]["right"].startswith("Right 6")


def test_the_api_changes_a_drafts_rule(api, draft):
    answer = api.patch(rule_url(draft, "R7"), {"standard_working_days": 3}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["standard_working_days"] == 3
    assert draft.rules.get(code="R7").standard_working_days == 3
    assert draft.rules.get(code="R7").history.first().history_user is not None


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"roles": ["victim", "vicitm"]}, "roles", '"vicitm" is not a known role'),
        ({"offence_flags": ["burglry"]}, "offence_flags", '"burglry" is not a known offence flag'),
        ({"roles": "victim"}, "roles", "Give the roles as a list of codes."),
        (
            {"standard_working_days": None},
            "standard_working_days",
            "Give the number of working days for standard rights, or a clock in hours.",
        ),
        ({"trigger": "arest"}, "trigger", '"arest" is not a known event'),
        ({"min_age": 16, "max_age": 12}, "max_age", "below the minimum age"),
        ({"enhanced_working_days": "two"}, "enhanced_working_days", "Enter a whole number."),
    ],
)
def test_the_api_refuses_a_bad_rule_in_a_sentence_on_its_field(api, draft, change, field, words):
    answer = api.patch(rule_url(draft, "R7"), change, format="json")
    assert answer.status_code == 400
    errors = answer.json()
    assert words in " ".join(errors[field]), errors
    assert "rule_has_a_clock" not in str(errors)
    assert draft.rules.get(code="R7").standard_working_days == 5


def test_the_api_refuses_to_change_a_rule_in_force(api, current):
    answer = api.patch(rule_url(current, "R7"), {"standard_working_days": 3}, format="json")
    assert answer.status_code == 400
    assert "only a draft can be changed" in str(answer.json())
    assert DutyRule.objects.in_force(NOW.date()).get(code="R7").standard_working_days == 5


def test_the_api_schedules_a_draft_and_refuses_an_overlap(api, draft, admin_user, current):
    with_past = api.post(
        reverse("api-edition-schedule", args=[draft.pk]), {"starts_on": "2021-04-01"}
    )
    assert with_past.status_code == 400
    assert "The start date must be in the future" in with_past.json()["starts_on"][0]
    later = api.post(reverse("api-edition-schedule", args=[draft.pk]), {"starts_on": "2099-03-01"})
    assert later.status_code == 200, later.json()
    assert later.json()["period"] == "In force from 1 March 2099 (no end date)"
    other = editions.copy_edition(current, by=admin_user, name="Another", source="x", now=NOW)
    overlapping = api.post(
        reverse("api-edition-schedule", args=[other.pk]), {"starts_on": "2099-02-01"}
    )
    assert overlapping.status_code == 400
    assert "a new edition must start after it" in overlapping.json()["starts_on"][0]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE])
def test_the_rules_api_is_the_administrators_only(role, draft):
    client = APIClient()
    client.force_login(make_user(role))
    assert client.get(reverse("api-edition-list")).status_code == 403
    answer = client.patch(rule_url(draft, "R7"), {"standard_working_days": 3}, format="json")
    assert answer.status_code == 403
    assert draft.rules.get(code="R7").standard_working_days == 5


# --- adding and removing a rule in a draft -----------------------------------------------------


def new_rule_data(draft, **changes):
    right = draft.rights.get(scheme="victims_code", number=6)
    data = {
        "code": "R31",
        "right": right.pk,
        "title": "Speak with the child directly",
        "trigger": "arrest",
        "roles": ["victim"],
        "min_age": "12",
        "standard_working_days": "5",
        "enhanced_working_days": "1",
        "met_by": "contact",
        "owner": "officer",
        "source": "Victims' Code 2027, children",
    }
    data.update(changes)
    return data


def test_the_administrator_adds_a_rule_to_a_draft(client, admin_user, draft):
    client.force_login(admin_user)
    page = client.get(reverse("edition-rule-add", args=[draft.pk]))
    assert page.status_code == 200
    added = client.post(reverse("edition-rule-add", args=[draft.pk]), new_rule_data(draft))
    assert added.status_code == 302
    rule = draft.rules.get(code="R31")
    assert (rule.min_age, rule.right.number, rule.effective_from) == (12, 6, None)
    assert rule.edition == draft.name


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"code": "R7"}, "This draft already has a rule R7"),
        ({"roles": ["vicitm"]}, "vicitm is not a known role"),
        ({"standard_working_days": ""}, "Give the number of working days for standard rights"),
        ({"right": ""}, "Choose the right or standard the rule belongs to."),
        ({"code": ""}, "Give the rule a code, for example R31."),
    ],
)
def test_a_bad_new_rule_is_refused_in_words_on_the_form(client, admin_user, draft, changes, words):
    client.force_login(admin_user)
    before = draft.rules.count()
    page = client.post(
        reverse("edition-rule-add", args=[draft.pk]), new_rule_data(draft, **changes)
    )
    assert page.status_code == 200
    assert words in page.content.decode()
    assert draft.rules.count() == before


def test_a_right_of_another_edition_cannot_be_chosen(client, admin_user, draft, current):
    client.force_login(admin_user)
    other = current.rights.get(scheme="victims_code", number=6)
    page = client.post(
        reverse("edition-rule-add", args=[draft.pk]), new_rule_data(draft, right=other.pk)
    )
    assert "Choose one of this draft&#x27;s rights." in page.content.decode()
    assert not draft.rules.filter(code="R31").exists()


def test_the_administrator_removes_a_rule_from_a_draft(client, admin_user, draft, current):
    client.force_login(admin_user)
    rule = draft.rules.get(code="R8")
    removed = client.post(reverse("edition-rule-remove", args=[draft.pk, rule.pk]))
    assert removed.status_code == 302
    assert not draft.rules.filter(code="R8").exists()
    assert current.rules.filter(code="R8").exists()
    preview = editions.preview(draft, starts_on=START, now=NOW)
    assert [(c.code, c.kind) for c in preview.changes] == [("R8", "removed")]


def test_a_rule_the_guidance_names_is_not_removed(client, admin_user, draft):
    client.force_login(admin_user)
    rule = draft.rules.get(code="R7")
    answer = client.post(reverse("edition-rule-remove", args=[draft.pk, rule.pk]), follow=True)
    assert "gives its numbers from rule R7: change that guidance first" in answer.content.decode()
    assert draft.rules.filter(code="R7").exists()


def test_a_rule_in_force_is_not_removed(client, admin_user, current):
    client.force_login(admin_user)
    rule = current.rules.get(code="R8")
    answer = client.post(reverse("edition-rule-remove", args=[current.pk, rule.pk]))
    assert answer.status_code == 404
    assert current.rules.filter(code="R8").exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR])
def test_only_the_administrator_adds_or_removes_a_rule(client, draft, role):
    client.force_login(make_user(role))
    rule = draft.rules.get(code="R8")
    assert client.post(reverse("edition-rule-remove", args=[draft.pk, rule.pk])).status_code == 403
    added = client.post(reverse("edition-rule-add", args=[draft.pk]), new_rule_data(draft))
    assert added.status_code == 403
    assert draft.rules.filter(code="R8").exists() and not draft.rules.filter(code="R31").exists()


# --- rules by age band -------------------------------------------------------------------------


@pytest.fixture
def child_rule(current):
    """A rule of the edition in force for victims aged 12 to 17 at an arrest."""
    r7 = current.rules.get(code="R7")
    return DutyRule.objects.create(
        code="R7-CHILD",
        right=r7.right,
        title="Speak with the child directly, alongside their parent",
        trigger="arrest",
        roles=["victim"],
        min_age=12,
        max_age=17,
        standard_working_days=5,
        enhanced_working_days=1,
        code_edition=current,
        edition=current.name,
        effective_from=current.starts_on,
        source="test",
    )


@pytest.mark.parametrize(
    ("born", "applies"),
    [
        (datetime.date(2015, 3, 13), True),  # 12 on the day of the arrest
        (datetime.date(2015, 3, 14), False),  # 12 the day after: 11 at the arrest
        (datetime.date(2009, 3, 14), True),  # 17, a day before 18
        (datetime.date(2009, 3, 13), False),  # 18 on the day
    ],
)
def test_an_age_band_rule_applies_by_age_on_the_triggers_day(child_rule, born, applies):
    case = make_case()
    victim = victim_of(case)
    victim.person.date_of_birth = born
    victim.person.save()
    event = arrest(case, at=london(2027, 3, 13, 12))
    made = Duty.objects.filter(party=victim, rule=child_rule, trigger_event=event).exists()
    assert made is applies
    # The rule for everyone still applies whatever the age.
    assert Duty.objects.filter(party=victim, rule__code="R7", trigger_event=event).exists()


def test_with_no_date_of_birth_the_age_band_rule_applies_and_says_why(child_rule):
    case = make_case()
    victim = victim_of(case)
    victim.person.date_of_birth = None
    victim.person.save()
    event = arrest(case, at=london(2027, 3, 13, 12))
    duty = Duty.objects.get(party=victim, rule=child_rule, trigger_event=event)
    assert "This rule is for people aged 12 to 17." in duty.explanation
    assert "date of birth is not recorded" in duty.explanation
    assert "mark the duty not applicable" in duty.explanation


def test_an_age_band_is_refused_when_its_maximum_is_below_its_minimum(draft, admin_user):
    rule = draft.rules.get(code="R7")
    rule.min_age, rule.max_age = 16, 12
    with pytest.raises(Exception) as refused:
        editions.save_draft_rule(rule, by=admin_user)
    assert "below the minimum age" in str(refused.value)


# --- the letters follow the edition --------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "before", "after"),
    [
        ("English", "within 5 working days", "within 3 working days"),
        ("Welsh", "o fewn 5 diwrnod gwaith", "o fewn 3 diwrnod gwaith"),
    ],
)
def test_the_letters_say_the_new_days_from_the_start_date(
    draft, admin_user, language, before, after
):
    rule = draft.rules.get(code="R7")
    rule.standard_working_days = 3
    editions.save_draft_rule(rule, by=admin_user)
    editions.schedule_edition(draft, starts_on=START, by=admin_user, today=NOW.date())
    case = make_case()
    victim = victim_of(case)
    victim.person.preferred_language = language
    victim.person.save()
    day_before = START - datetime.timedelta(days=1)
    assert before in letters.acknowledgement_text(victim, on=day_before)
    assert after in letters.acknowledgement_text(victim, on=START)
    assert before in letters.your_rights_letter(victim, on=day_before)
    assert after in letters.your_rights_letter(victim, on=START)


# --- a draft's guidance ------------------------------------------------------------------------


def right_data(right, **changes):
    data = {
        "victim_summary": right.victim_summary,
        "what_to_do": right.what_to_do,
        "what_to_say": right.what_to_say,
        "what_to_record": right.what_to_record,
    }
    data.update(changes)
    return data


def test_the_administrator_changes_a_drafts_guidance_naming_its_rules(client, admin_user, draft):
    client.force_login(admin_user)
    right = draft.rights.get(scheme="victims_code", number=6)
    url = reverse("edition-right", args=[draft.pk, right.pk])
    assert "{R7.standard}" in client.get(url).content.decode()
    text = "Tell the victim of an arrest within {R7.standard}."
    assert client.post(url, right_data(right, what_to_say=text)).status_code == 302
    right.refresh_from_db()
    assert right.what_to_say == text
    assert right.history.first().history_user == admin_user


def test_an_unknown_placeholder_in_a_drafts_guidance_is_a_field_error(client, admin_user, draft):
    client.force_login(admin_user)
    right = draft.rights.get(scheme="victims_code", number=6)
    url = reverse("edition-right", args=[draft.pk, right.pk])
    page = client.post(url, right_data(right, what_to_say="Within {R99.standard}."))
    assert page.status_code == 200
    assert "names rule R99, which this edition does not have" in page.content.decode()
    right.refresh_from_db()
    assert right.what_to_say == ""
