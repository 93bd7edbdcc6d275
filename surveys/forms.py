from django import forms

from .models import SCALE, QuestionKind


class SurveyForm(forms.Form):
    """Every question optional: people answer what they want, and can come back later."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            name = f"q{q.pk}"
            if q.kind == QuestionKind.SCALE:
                self.fields[name] = forms.TypedChoiceField(
                    choices=SCALE,
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=False,
                    label=q.text,
                    empty_value=None,
                )
            elif q.kind == QuestionKind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    choices=[(c, c) for c in q.choices],
                    widget=forms.RadioSelect,
                    required=False,
                    label=q.text,
                )
            else:
                self.fields[name] = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}),
                    required=False,
                    label=q.text,
                    max_length=4000,
                )

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}
