"""Create a fictional force, and fictional cases, to explore VictimCare with. Development only."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from accounts import services
from accounts.models import Role, Team, TeamKind, User
from referrals.models import AgencyKind, SupportAgency
from surveys.services import link_token
from tools.demo.cases import DEMO_CASES, create_demo_cases, create_demo_referrals
from tools.demo.surveys import create_demo_surveys

# Documented in README.md. The command refuses to run with DEBUG off: never in production.
DEMO_PASSWORD = "demo-password-2026"

AGENCIES = [
    ("Northshire Victim Services", AgencyKind.VICTIM_SERVICE, "Northshire", 2),
    ("Northshire IDVA Service", AgencyKind.IDVA, "Northshire", 1),
    ("Northshire ISVA and SARC", AgencyKind.ISVA, "Northshire", 2),
    ("The Haven Northshire SARC", AgencyKind.SARC, "Northshire", 1),
    ("Northshire MARAC", AgencyKind.MARAC, "Northshire", 5),
    ("Northshire Children's Services", AgencyKind.CHILDRENS_SOCIAL_CARE, "Northshire", 1),
    ("Northshire Young Witness Service", AgencyKind.YOUNG_WITNESS, "Northshire", 5),
    ("Northshire Witness Service", AgencyKind.WITNESS_SERVICE, "Northshire Crown Court", 5),
]

# What the public support page (/information/support/) shows of some agencies, in English and
# Welsh: made-up helplines and sites. Agencies without an entry stay off the public page.
PUBLIC_DETAILS = {
    "Northshire Victim Services": {
        "public_summary_en": "Free help for anyone hurt by a crime. We listen, help you feel "
        "safe and help you deal with the police and courts.",
        "public_summary_cy": "Help am ddim i unrhyw un sydd wedi cael ei frifo gan drosedd. "
        "Rydyn ni'n gwrando, yn eich helpu i deimlo'n ddiogel ac yn eich helpu gyda'r heddlu a'r "
        "llysoedd.",
        "self_referral_en": "Call us or use the form on our website. You do not need to have "
        "told the police.",
        "self_referral_cy": "Ffoniwch ni neu defnyddiwch y ffurflen ar ein gwefan. Does dim "
        "rhaid i chi fod wedi dweud wrth yr heddlu.",
        "public_phone": "0800 000 0101",
        "public_website": "https://victim-services.example.org/",
    },
    "Northshire IDVA Service": {
        "public_summary_en": "Help to stay safe if a partner, ex-partner or family member hurts "
        "or scares you.",
        "public_summary_cy": "Help i aros yn ddiogel os yw partner, cyn-bartner neu aelod o'r "
        "teulu yn eich brifo neu'n codi ofn arnoch.",
        "self_referral_en": "Call us at a time that is safe for you.",
        "self_referral_cy": "Ffoniwch ni ar adeg sy'n ddiogel i chi.",
        "public_phone": "0800 000 0102",
        "public_website": "",
    },
    "Northshire Witness Service": {
        "public_summary_en": "Help on the day you go to court, and a visit to the court before.",
        "public_summary_cy": "Help ar y diwrnod rydych chi'n mynd i'r llys, ac ymweliad â'r "
        "llys o'r blaen.",
        "self_referral_en": "Call us when you know the date of the trial.",
        "self_referral_cy": "Ffoniwch ni pan fyddwch chi'n gwybod dyddiad yr achos.",
        "public_phone": "0800 000 0103",
        "public_website": "https://witness-service.example.org/",
    },
}

TEAMS = [
    ("Vulnerability Hub", TeamKind.VULNERABILITY_HUB),
    ("Victim Based Crime Team", TeamKind.VICTIM_BASED_CRIME),
    ("Witness Care Unit", TeamKind.WITNESS_CARE_UNIT),
    ("Northtown Neighbourhood Team", TeamKind.NEIGHBOURHOOD),
]

# username, first, last, collar, roles, agency, [(team, is_supervisor)]
USERS = [
    (
        "officer",
        "Sam",
        "Okafor",
        "PC 4127",
        [Role.OFFICER],
        None,
        [("Victim Based Crime Team", False)],
    ),
    ("officer2", "Priya", "Shah", "DC 2290", [Role.OFFICER], None, [("Vulnerability Hub", False)]),
    (
        "officer3",
        "Tom",
        "Hughes",
        "PC 5512",
        [Role.OFFICER],
        None,
        [("Northtown Neighbourhood Team", False)],
    ),
    (
        "supervisor",
        "Grace",
        "Adeyemi",
        "PS 1801",
        [Role.SUPERVISOR, Role.OFFICER],
        None,
        [("Victim Based Crime Team", True), ("Northtown Neighbourhood Team", True)],
    ),
    (
        "supervisor2",
        "Martin",
        "Lloyd",
        "DS 1410",
        [Role.SUPERVISOR],
        None,
        [("Vulnerability Hub", True)],
    ),
    (
        "witnesscare",
        "Hannah",
        "Price",
        "",
        [Role.WITNESS_CARE],
        None,
        [("Witness Care Unit", False)],
    ),
    (
        "wcusupervisor",
        "Owen",
        "Davies",
        "",
        [Role.WITNESS_CARE, Role.SUPERVISOR],
        None,
        [("Witness Care Unit", True)],
    ),
    ("agency", "Lucy", "Brennan", "", [Role.AGENCY], "Northshire Victim Services", []),
    ("idva", "Nadia", "Karim", "", [Role.AGENCY], "Northshire IDVA Service", []),
    ("admin", "Alex", "Morgan", "", [Role.ADMIN], None, []),
    ("auditor", "Ruth", "Ellison", "", [Role.AUDITOR], None, []),
]


class Command(BaseCommand):
    help = (
        "Create demo teams, agencies, users of every role and fictional cases "
        "(refused when DEBUG is off)."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_data creates known passwords: it runs only with DEBUG on.")
        with transaction.atomic():
            self._create()
            cases = create_demo_cases()
            create_demo_referrals()
            surveys = create_demo_surveys()
        kept = len(DEMO_CASES) - len(cases)
        self.stdout.write(f"Demo cases: {len(cases)} created, {kept} already there.")
        if surveys:
            # A victim's link needs no sign-in: open one in a private window to answer as them.
            self.stdout.write("Victim survey links (no sign-in; each is that victim's own link):")
            site = settings.SITE_URL.rstrip("/")
            for invitation, note in surveys:
                url = site + reverse("survey", args=[link_token(invitation)])
                self.stdout.write(f"  {url}  ({note})")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with any of these:"))
        for username, _first, _last, _c, roles, agency, _t in USERS:
            labels = ", ".join(Role(r).label for r in roles)
            where = f" ({agency})" if agency else ""
            self.stdout.write(f"  {username:<14} {labels}{where}")
        self.stdout.write(f"Password for every demo user: {DEMO_PASSWORD}")

    def _create(self) -> None:
        agencies = {}
        for name, kind, area, target in AGENCIES:
            public = PUBLIC_DETAILS.get(name, {})
            agencies[name], _ = SupportAgency.objects.update_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "area": area,
                    "response_target_working_days": target,
                    "listed_publicly": bool(public),
                    **public,
                },
            )
        teams = {}
        for name, kind in TEAMS:
            teams[name], _ = Team.objects.update_or_create(name=name, defaults={"kind": kind})
        for username, first, last, collar, roles, agency, memberships in USERS:
            user, created = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "collar_number": collar,
                    "email": f"{username}@example.police.uk",
                    "agency": agencies.get(agency),
                },
            )
            if created or not user.has_usable_password():
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            for role in roles:
                services.grant_role(user=user, role=role)
            for team_name, is_supervisor in memberships:
                services.add_to_team(team=teams[team_name], user=user, is_supervisor=is_supervisor)
