"""`manage.py demo_data`: the demo made once, whatever how often it runs."""

import io

import pytest
from django.core.management import call_command

from cases.models import Case, Person
from tools.demo.cases import DEMO_CASES

pytestmark = pytest.mark.django_db


def test_demo_data_command_creates_the_cases_once_and_prints_no_victim_details(settings):
    settings.DEBUG = True
    first, second = io.StringIO(), io.StringIO()
    call_command("demo_data", stdout=first)
    call_command("demo_data", stdout=second)
    assert Case.objects.count() == len(DEMO_CASES)
    assert f"Demo cases: {len(DEMO_CASES)} created" in first.getvalue()
    assert "Demo cases: 0 created" in second.getvalue()
    assert "officer2" in second.getvalue()  # the sign-in table is still there
    for person in Person.objects.all():
        assert person.last_name not in first.getvalue()
