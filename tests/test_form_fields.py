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


@pytest.mark.parametrize(
    ("value", "attrs"),
    [
        ("", {"id": "id_country"}),
        ("TH", {"id": "id_country", "required": True}),
        (None, {"id": "id_country", "aria-describedby": "x_help", "disabled": False}),
        ("<script>", {}),
    ],
)
def test_fast_select_writes_the_html_djangos_select_writes(value, attrs):
    """Same markup as Django's template-rendered Select: attributes, escaping, one selected option."""
    from django import forms
    from django.test.html import parse_html

    from crackdown.forms import FastSelect

    choices = [("", "---------"), ("TH", "Thailand (TH)"), ("KR", "Korea <Republic> & co"), ("TH", "again")]
    fast = FastSelect(choices=choices).render("country", value, attrs)
    django = forms.Select(choices=choices).render("country", value, attrs)
    assert parse_html(fast) == parse_html(django)


def test_fast_select_leaves_grouped_choices_to_django():
    from django import forms

    from crackdown.forms import FastSelect

    choices = [("Asia", [("TH", "Thailand"), ("KR", "Korea")]), ("", "none")]
    assert FastSelect(choices=choices).render("c", "KR") == forms.Select(choices=choices).render("c", "KR")


def test_fast_select_options_follow_the_readers_language():
    """The options' HTML is kept per list of texts: a Korean reader never gets English labels."""
    from django.utils import translation

    from cases.choices import SeizureStatus
    from crackdown.forms import FastSelect

    widget = FastSelect(choices=SeizureStatus.choices)
    with translation.override("en"):
        english = widget.render("status", "draft")
    with translation.override("ko"):
        korean = widget.render("status", "draft")
    with translation.override("ko"):
        expected = str(SeizureStatus.DRAFT.label)
    assert english != korean and expected in korean
    assert '<option value="draft" selected>' in korean
