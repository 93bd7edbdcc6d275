"""Administrators keep what reports count by. To change it from a date, add an edition with that
date (or "Save as new" on the current one, then edit its rows): earlier periods keep theirs."""

from django.contrib import admin

from .models import (
    AgeBand,
    AgeBandEdition,
    KeyEntitlement,
    KeyEntitlementEdition,
    VulnerableBasis,
    VulnerableBasisEdition,
)


class EditionAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "source"]
    save_as = True


class AgeBandInline(admin.TabularInline):
    model = AgeBand
    extra = 0


@admin.register(AgeBandEdition)
class AgeBandEditionAdmin(EditionAdmin):
    inlines = [AgeBandInline]


class KeyEntitlementInline(admin.TabularInline):
    model = KeyEntitlement
    extra = 0
    fields = ["order", "label", "rule_codes", "held_by_force"]


@admin.register(KeyEntitlementEdition)
class KeyEntitlementEditionAdmin(EditionAdmin):
    inlines = [KeyEntitlementInline]


class VulnerableBasisInline(admin.TabularInline):
    model = VulnerableBasis
    extra = 0


@admin.register(VulnerableBasisEdition)
class VulnerableBasisEditionAdmin(EditionAdmin):
    inlines = [VulnerableBasisInline]
