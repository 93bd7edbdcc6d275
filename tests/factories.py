import factory

from accounts import services
from accounts.models import Role, Team, TeamKind, User
from referrals.models import AgencyKind, SharingException, SupportAgency

TEST_PASSWORD = "correct-horse-battery-staple"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportAgency
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Test Victim Service {n}")
    kind = AgencyKind.VICTIM_SERVICE
    area = "Northshire"


def sharing_exception(code: str) -> SharingException:
    """One of the exceptions to consent the migrations seed (risk_to_life, legal_duty...)."""
    return SharingException.objects.get(code=code)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    kind = TeamKind.VICTIM_BASED_CRIME


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Fixed, unmistakable staff names: a random one could match a victim's name that a test
    # looks for (or looks to be absent) on a page that also shows the signed-in user.
    first_name = factory.Sequence(lambda n: f"Staffer{n}")
    last_name = "Testperson"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.police.uk")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            services.grant_role(user=self, role=role)


def make_user(role: str, **kwargs) -> User:
    if role == Role.AGENCY and "agency" not in kwargs:
        kwargs["agency"] = AgencyFactory()
    return UserFactory(roles=[role], **kwargs)
