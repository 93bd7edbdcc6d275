from django import forms

from . import services


class CodeForm(forms.Form):
    """A code typed by the user. Which device it is checked against is the view's business."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def __init__(self, *args, help_text: str = "", label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if help_text:
            self.fields["code"].help_text = help_text
        if label:
            self.fields["code"].label = label

    def clean_code(self) -> str:
        return services.normalise(self.cleaned_data["code"])
