"""The sections staff write: plain text (never markup), line breaks kept."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import SECTION_MAX_CHARS


class SectionsForm(forms.Form):
    highlights = forms.CharField(
        label=_("Highlights of the year"),
        required=False,
        max_length=SECTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
    )
    challenges = forms.CharField(
        label=_("Challenges"),
        required=False,
        max_length=SECTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
    )
    plans = forms.CharField(
        label=_("Plans for next year"),
        required=False,
        max_length=SECTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
        help_text=_("Plain text; line breaks are kept."),
    )
