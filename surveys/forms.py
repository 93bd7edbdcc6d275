from django import forms

from .models import SCALE, QuestionKind


class SurveyForm(forms.Form):
    """Every question optional: people answer what they want, and can come back later."""

    def __init__(self, *args, questions, language: str = "en-gb", **kwargs):
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
                    label=q.text_in(language),
                    empty_value=None,
                )
            elif q.kind == QuestionKind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    choices=q.choices_in(language),
                    widget=forms.RadioSelect,
                    required=False,
                    label=q.text_in(language),
                )
            else:
                self.fields[name] = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}),
                    required=False,
                    label=q.text_in(language),
                    max_length=4000,
                )

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}
