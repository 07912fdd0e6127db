"""`{% select_options %}` writes a review form's options exactly as the template loop it replaced did:
the chosen option marked, values localised and escaped, lazy labels in the reader's language."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext_lazy

from biopark.news.accept_base import Field

# The markup the review page used before the tag (biopark/news/templates/news/document.html).
LOOP = Template('{% for code, label in f.choices %}<option value="{{ code }}" {% if code == f.value %}selected{% endif %}>'
                "{{ label }}</option>{% endfor %}")
TAG = Template("{% load news_forms %}{% select_options f %}")

CHOICES = [("", "—"), ("a&b", "<b>bold</b> & more"), ("licence", gettext_lazy("Viewer")), (1234567, 1234567.5),
           ('say "hi"', "it's")]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("value", ["", "a&b", "licence", "none of them", 1234567])
def test_the_tag_writes_what_the_loop_wrote(language, value):
    field = Field("kind", "kind", value, "select", CHOICES)
    with translation.override(language):
        expected = LOOP.render(Context({"f": field}))
        written = TAG.render(Context({"f": field}))
    assert written == expected


def test_the_options_read_as_expected_in_chinese():
    field = Field("kind", "kind", "licence", "select", CHOICES[:3])
    with translation.override("zh-hans"):
        written = TAG.render(Context({"f": field}))
    assert written == ('<option value="" >—</option>'
                       '<option value="a&amp;b" >&lt;b&gt;bold&lt;/b&gt; &amp; more</option>'
                       '<option value="licence" selected>只读用户</option>')


def test_autoescape_off_is_respected():
    field = Field("kind", "kind", "", "select", [("<x>", "<y>")])
    assert TAG.render(Context({"f": field}, autoescape=False)) == '<option value="<x>" ><y></option>'
