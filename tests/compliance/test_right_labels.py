"""Duties on the dashboard and the pack are named by their Right in words first, the rule's code
after it, never "R7 (Right 6)" (issue 19)."""

from compliance.labels import right_label
from entitlements.models import Right


def test_a_victims_code_duty_is_named_by_its_right_then_the_duty():
    label = right_label(Right.Scheme.VICTIMS_CODE, 6, "Tell them the suspect was arrested")
    assert label == "Right 6: Tell them the suspect was arrested"


def test_a_duty_of_another_scheme_says_it_is_a_standard():
    other = next(s for s in Right.Scheme if s != Right.Scheme.VICTIMS_CODE)
    assert right_label(other, 3, "Offer a needs assessment").startswith("Standard 3: ")


def test_an_unknown_rule_has_no_label_to_show():
    assert right_label("", None, None) == ""
