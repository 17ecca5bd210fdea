"""A Django comment `{# … #}` ends on its line: one spread over two lines is printed on the page as text (the
engagement page showed 「{# The 「訪問予定」 section …」 to every clerk). Longer notes use {% comment %}."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates"


def test_no_template_spreads_a_short_comment_over_lines():
    spread = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for found in re.finditer(r"\{#", text):
            end = text.find("#}", found.start())
            if end == -1 or "\n" in text[found.start():end]:
                spread.append(f"{path.relative_to(TEMPLATES)}:{text.count(chr(10), 0, found.start()) + 1}")
    assert spread == []
