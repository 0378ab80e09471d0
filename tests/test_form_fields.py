"""crackdown.forms.field_of: a form's own field, as the kind it was declared with."""

from __future__ import annotations

import pytest
from django import forms

from crackdown.forms import field_of


class _Pick(forms.Form):
    colour = forms.ChoiceField(choices=[("red", "Red")])
    note = forms.CharField()


def test_gives_the_forms_own_copy_of_the_field():
    form = _Pick()
    colour = field_of(form, "colour", forms.ChoiceField)
    colour.choices = [("blue", "Blue")]
    assert form.fields["colour"].choices == [("blue", "Blue")]
    # The declaration (and so the next form) keeps its choices.
    assert _Pick().fields["colour"].choices == [("red", "Red")]


def test_a_field_of_another_kind_is_an_error():
    with pytest.raises(TypeError, match=r"_Pick\.note is a CharField, not a ChoiceField"):
        field_of(_Pick(), "note", forms.ChoiceField)
