"""What the public pages show from the Code's rows and the agency directory, in the language
that is active. The day counts come from the rule rows in force on the day the caller passes."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import translation

from entitlements.models import DutyRule, Right, Trigger
from referrals.selectors import public_directory

from . import content

WITNESS_ROLE = "witness"


@dataclass(frozen=True)
class RuleView:
    what: str
    when: list[str]


@dataclass(frozen=True)
class RightView:
    number: int
    title: str
    meaning: str
    rules: list[RuleView] = field(default_factory=list)


def _rule_view(rule: DutyRule) -> RuleView:
    return RuleView(what=content.what_we_do(rule), when=content.when(rule))


def _in_force(today: datetime.date):
    return DutyRule.objects.in_force(today).order_by("id")


def rights(*, scheme: str, today: datetime.date) -> list[RightView]:
    """Each Right (or Witness Charter standard) with what the police do and by when."""
    found = Right.objects.filter(scheme=scheme).prefetch_related(
        Prefetch("rules", queryset=_in_force(today), to_attr="rules_in_force")
    )
    return [
        RightView(
            number=right.number,
            title=str(content.RIGHTS[(scheme, right.number)][0]),
            meaning=str(content.RIGHTS[(scheme, right.number)][1]),
            rules=[_rule_view(rule) for rule in right.rules_in_force],
        )
        for right in found
    ]


def rules(
    *,
    today: datetime.date,
    right: tuple[str, int] | None = None,
    triggers: list[str] | None = None,
    code_rules_owed_to: str | None = None,
) -> list[RuleView]:
    """The rules in force, worded: of one Right, or with these triggers, or the Victims' Code's
    rules owed to a role (a witness is owed some of them besides the Witness Charter's)."""
    found = _in_force(today)
    if right is not None:
        found = found.filter(right__scheme=right[0], right__number=right[1])
    if triggers is not None:
        found = found.filter(trigger__in=triggers)
    if code_rules_owed_to is not None:
        found = found.filter(right__scheme=Right.Scheme.VICTIMS_CODE)
    # Roles are a JSON list: matched here, as SQLite and PostgreSQL query JSON differently.
    chosen = [
        rule for rule in found if code_rules_owed_to is None or code_rules_owed_to in rule.roles
    ]
    return [_rule_view(rule) for rule in chosen]


def children_rights() -> list[RightView]:
    """The Victims' Code for children: each Right in short words."""
    return [
        RightView(
            number=right.number,
            title=str(content.RIGHTS[(right.scheme, right.number)][0]),
            meaning=str(content.RIGHTS_FOR_CHILDREN[right.number]),
        )
        for right in Right.objects.filter(scheme=Right.Scheme.VICTIMS_CODE)
    ]


def child_arrest_days(*, today: datetime.date) -> int | None:
    """How many working days the police have to tell a child of an arrest (enhanced rights)."""
    rule = _in_force(today).filter(trigger=Trigger.ARREST).first()
    return None if rule is None else rule.enhanced_working_days


@dataclass(frozen=True)
class AgencyView:
    name: str
    help_with: str
    area: str
    summary: str
    summary_lang: str
    self_referral: str
    self_referral_lang: str
    phone: str
    website: str


def support_services() -> list[AgencyView]:
    """The public directory in the active language. Welsh text the force has not written yet
    falls back to the English, marked as English so a screen reader says it right."""
    welsh = translation.get_language() == "cy"
    found = []
    for agency in public_directory():
        summary, summary_lang = _pick(agency.public_summary_en, agency.public_summary_cy, welsh)
        refer, refer_lang = _pick(agency.self_referral_en, agency.self_referral_cy, welsh)
        found.append(
            AgencyView(
                name=agency.name,
                help_with=str(content.AGENCY_KINDS.get(agency.kind, content.AGENCY_KINDS["other"])),
                area=agency.area,
                summary=summary,
                summary_lang=summary_lang,
                self_referral=refer,
                self_referral_lang=refer_lang,
                phone=agency.public_phone,
                website=agency.public_website,
            )
        )
    return found


def _pick(english: str, welsh_text: str, welsh: bool) -> tuple[str, str]:
    if welsh and welsh_text:
        return welsh_text, "cy"
    return english, "en-gb"
