"""Filters shared by every app's FilterSets."""

import django_filters
from django import forms

from .validators import MAX_ID


class IntegerFilter(django_filters.NumberFilter):
    """A whole-number filter: "4.5" or "1e300" is a form error naming the field (400 on the
    API), never a 500 from the database nor a rounded match."""

    field_class = forms.IntegerField


class IdFilter(IntegerFilter):
    """A filter on a row's id (`field_name="category_id"`): a whole number from 1 to MAX_ID."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
