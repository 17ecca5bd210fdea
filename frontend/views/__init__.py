"""Pages of the web UI, one module per area. Views are thin: validate, call one service or selector, render."""

# Rows per page on every list page (the API pages by the same number).
PAGE_SIZE = 20
