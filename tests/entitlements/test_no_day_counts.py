"""No day count is written outside the rule rows (issue 22): the templates, the strings a victim
reads (the .po file's English) and the guidance and Rights' text seeded for every edition say
"within {R7.standard}", never "within 5 working days", so a new edition cannot leave a stale
number anywhere. Guidance text names a rule with a placeholder, refused on save if unknown."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from entitlements import guidance
from entitlements.models import DutyRule, Edition, Right
from tests.victim import po

ROOT = Path(settings.BASE_DIR)

NUMBER = (
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|"
    r"twenty|twenty[- ]one|twenty[- ]four|twenty[- ]eight|thirty|forty[- ]eight|seventy[- ]two)"
)
UNIT = r"(?:days?|hours?|weeks?|months?|years?)"
# "Every 2 weeks" is how often a person chose to hear from us (portal/forms.py), not a clock
# the Code sets, so it is the one wording let through.
DAY_COUNT = re.compile(
    rf"(?<!every )\b{NUMBER}[- ](?:(?:full|clear|calendar|working|business)[- ])?{UNIT}\b",
    re.IGNORECASE,
)


def day_counts(text: str) -> list[str]:
    return [match.group(0) for match in DAY_COUNT.finditer(text or "")]


@pytest.mark.parametrize(
    "text",
    [
        "We will tell you within 5 working days.",
        "Record the crime within 24 hours.",
        "You have one month to ask.",
        "If the offender gets 12 months or more",
        "within ten working days",
        "a 3-day deadline",
    ],
)
def test_the_check_finds_a_day_count(text):
    assert day_counts(text), text


@pytest.mark.parametrize(
    "text",
    [
        "within {R7.standard} ({R7.enhanced} for enhanced rights)",
        "A working day is Monday to Friday.",
        "Every 2 weeks",
        "within %(days)s working days",
        "{{ rule.calendar_hours }} hours",
    ],
)
def test_the_check_lets_a_rule_worded_number_through(text):
    assert day_counts(text) == []


def _templates() -> list[Path]:
    found = []
    for path in ROOT.rglob("templates/**/*"):
        parts = set(path.relative_to(ROOT).parts)
        if path.is_file() and not parts & {".venv", "node_modules", "static", "webroot"}:
            found.append(path)
    return found


def test_the_templates_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in _templates()}
    assert "entitlements/templates/entitlements/guidance.html" in names
    assert "entitlements/templates/entitlements/letters/acknowledgement.txt" in names
    assert "publicinfo/templates/publicinfo/victims_code.html" in names


def test_no_template_writes_a_day_count():
    written = {
        path.relative_to(ROOT).as_posix(): counts
        for path in _templates()
        if (counts := day_counts(path.read_text(encoding="utf-8", errors="ignore")))
    }
    assert written == {}, "take the number from the rule rows in force"


def test_no_translated_string_writes_a_day_count():
    entries = po.read(ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    written = [
        text for entry in entries for text in (entry.msgid, entry.msgid_plural) if day_counts(text)
    ]
    assert written == [], "a victim's words take their numbers from the rule rows"


@pytest.mark.django_db
def test_no_seeded_guidance_or_right_writes_a_day_count():
    rights = list(Right.objects.all())
    assert len(rights) >= 17
    written = {
        f"{right} ({name})": counts
        for right in rights
        for name in guidance.FIELDS
        if (counts := day_counts(getattr(right, name)))
    }
    written.update(
        {
            f"rule {rule.code} (title)": counts
            for rule in DutyRule.objects.all()
            if (counts := day_counts(rule.title))
        }
    )
    assert written == {}, "name the rule instead: {R7.standard}"


@pytest.mark.django_db
def test_every_seeded_placeholder_names_a_rule_of_its_edition():
    for right in Right.objects.select_related("code_edition"):
        right.full_clean()


@pytest.mark.django_db
def test_guidance_is_worded_from_the_rules_in_force():
    right = Right.objects.get(scheme=Right.Scheme.VICTIMS_CODE, number=6)
    rules = {rule.code: rule for rule in DutyRule.objects.filter(code_edition=right.code_edition)}
    shown = right.shown(rules)["what_to_do"]
    assert "within 5 working days (1 working day for enhanced rights)" in shown
    rules["R7"].standard_working_days = 3
    assert "within 3 working days (1 working day" in right.shown(rules)["what_to_do"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("within {R99.standard}", "names rule R99, which this edition does not have"),
        ("within {R7.weeks}", "weeks is not something a rule can show here"),
        ("within {days}", "is not a placeholder this text can use"),
        ("within {R7.standard", "A brace is not closed"),
    ],
)
def test_an_unknown_placeholder_is_refused_on_its_field(text, words):
    right = Right.objects.get(
        scheme=Right.Scheme.VICTIMS_CODE,
        number=6,
        code_edition=Edition.objects.get(ends_on__isnull=True, starts_on__isnull=False),
    )
    right.what_to_say = text
    with pytest.raises(ValidationError) as refused:
        right.full_clean()
    assert list(refused.value.message_dict) == ["what_to_say"]
    assert words in " ".join(refused.value.message_dict["what_to_say"])
