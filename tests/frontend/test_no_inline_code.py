"""No template carries code that the Content-Security-Policy (script-src and style-src 'self') blocks: style
attributes or elements, inline scripts, event-handler attributes, htmx's hx-on (it evaluates JavaScript) and
javascript: URLs. Styles go to app.css as classes; data-driven sizes and colours go to SVG attributes."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates"
FORBIDDEN = {
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "inline script": re.compile(r"<script\b(?![^>]*\ssrc\s*=)[^>]*>", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "hx-on attribute": re.compile(r"\s(?:data-)?hx-on\b", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def inline_code(text: str) -> list[tuple[int, str]]:
    """(line, what) for each piece of inline code in a template's text."""
    return sorted((text.count("\n", 0, match.start()) + 1, what)
                  for what, pattern in FORBIDDEN.items() for match in pattern.finditer(text))


@pytest.mark.parametrize(("html", "what"), [
    ('<div class="actions" style="justify-content:space-between">', "style attribute"),
    ("<style>.x { color: red }</style>", "style element"),
    ("<script>\n  htmx.config.x = 1;\n</script>", "inline script"),
    ('<button type="button" onclick="go()">', "event handler attribute"),
    ('<svg onload="go()">', "event handler attribute"),
    ('<button hx-on:click="go()">', "hx-on attribute"),
    ('<a href="javascript:go()">', "javascript: URL"),
])
def test_the_scan_finds_each_kind_of_inline_code(html, what):
    assert inline_code(f"<p>\n{html}\n</p>") == [(2, what)]


def test_the_scan_leaves_script_files_and_svg_attributes_alone():
    html = ('<script src="/static/frontend/vendor/htmx.min.js" defer></script>\n'
            '<rect class="bar-busy" width="42%" fill="#abc" stroke-width="2"></rect>\n'
            '<meta name="htmx-config" content=\'{"includeIndicatorStyles":false}\'>\n'
            '<button class="button" data-role="one">{% translate "オン" %}</button>')
    assert inline_code(html) == []


def test_no_template_has_inline_styles_scripts_or_event_handlers():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert templates, f"no templates under {TEMPLATES}"
    found = [f"{path.relative_to(TEMPLATES)}:{line}: {what}"
             for path in templates for line, what in inline_code(path.read_text(encoding="utf-8"))]
    assert not found, "inline code that the Content-Security-Policy blocks:\n" + "\n".join(found)
