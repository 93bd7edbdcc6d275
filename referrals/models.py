from django.db import models


class AgencyKind(models.TextChoices):
    VICTIM_SERVICE = "victim_service", "Commissioned victim service"
    IDVA = "idva", "Independent domestic violence adviser (IDVA)"
    ISVA = "isva", "Independent sexual violence adviser (ISVA)"
    SARC = "sarc", "Sexual assault referral centre (SARC)"
    MARAC = "marac", "MARAC coordinator"
    WITNESS_SERVICE = "witness_service", "Witness Service"
    RESTORATIVE_JUSTICE = "restorative_justice", "Restorative justice"
    YOUNG_WITNESS = "young_witness", "Young witness service"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    MENTAL_HEALTH = "mental_health", "Mental health"
    OTHER = "other", "Other"


class SupportAgency(models.Model):
    """An organisation the force refers victims to. Its users see only its own referrals."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, choices=AgencyKind.choices)
    area = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    response_target_working_days = models.PositiveSmallIntegerField(default=2)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "support agencies"

    def __str__(self) -> str:
        return self.name
