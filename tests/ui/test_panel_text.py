"""The calculator panel shows engine messages as rich text: every message is escaped exactly as
``html.escape`` would, so a code or a reason can never be read as markup."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from chargeclock.ui.rich_label import escape as _escape


@given(st.text())
def test_escaping_matches_the_standard_library(text: str) -> None:
    assert _escape(text) == html.escape(text)


def test_markup_in_a_message_stays_text() -> None:
    assert _escape('<b>97110</b> & "KX"') == "&lt;b&gt;97110&lt;/b&gt; &amp; &quot;KX&quot;"
