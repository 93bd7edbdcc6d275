from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "Officer"
    SUPERVISOR = "supervisor", "Supervisor"
    WITNESS_CARE = "witness_care", "Witness care officer"
    AGENCY = "agency", "Support agency user"
    ADMIN = "admin", "Administrator"
    AUDITOR = "auditor", "Auditor"


class UserQuerySet(models.QuerySet):
    def with_roles(self) -> "UserQuerySet":
        return self.prefetch_related("role_grants")

    def holding(self, role: str) -> "UserQuerySet":
        return self.filter(role_grants__role=role)


class VictimCareUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in: police staff or a support agency's staff."""

    agency = models.ForeignKey(
        "referrals.SupportAgency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="Required for support agency users: they see only this agency's referrals.",
    )
    collar_number = models.CharField(max_length=20, blank=True)

    objects = VictimCareUserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def roles(self) -> frozenset[str]:
        """The user's role codes, read once per instance (or from a prefetch)."""
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(grant.role for grant in self.role_grants.all())
            self._role_codes = cached
        return cached

    def role_labels(self) -> list[str]:
        return [Role(code).label for code in Role.values if code in self.roles]


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()}"


class TeamKind(models.TextChoices):
    VULNERABILITY_HUB = "vulnerability_hub", "Vulnerability hub"
    VICTIM_BASED_CRIME = "victim_based_crime", "Victim based crime team"
    WITNESS_CARE_UNIT = "witness_care_unit", "Witness care unit"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood team"
    OTHER = "other", "Other"


class Team(models.Model):
    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=30, choices=TeamKind.choices)
    members = models.ManyToManyField(User, through="TeamMembership", related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    is_supervisor = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_supervisor", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="unique_team_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class RecoveryCode(models.Model):
    """One unused recovery code for the second sign-in step.

    Only a slow, salted hash is kept (Django's password hashing): the code is shown once, when it
    is made, and a copy of this table gives no way in. django-otp's own StaticToken keeps codes in
    the clear, so its table stays empty and its device is only the container that a session's
    second step is recorded against.
    """

    device = models.ForeignKey(
        "otp_static.StaticDevice", on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=128)

    def __str__(self) -> str:
        return "Recovery code"
