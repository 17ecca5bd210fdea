"""Tables keep their rows: what lays out a row's buttons lives inside the cell, never on it."""

import re

from tests.frontend.test_no_inline_code import TEMPLATES


def test_no_table_cell_is_a_flex_box():
    """`.actions` lays buttons out with flex; on a <td> it takes the cell out of the table (its borders drift
    off the row's in the renewals and needs lists), so the buttons go in a <div class="actions"> inside it."""
    cells = {f"{path.relative_to(TEMPLATES)}:{text.count(chr(10), 0, match.start()) + 1}"
             for path in TEMPLATES.rglob("*.html") for text in [path.read_text()]
             for match in re.finditer(r"<t[dh]\b[^>]*\bclass=\"[^\"]*\bactions\b", text)}
    assert cells == set()
