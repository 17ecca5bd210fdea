"""Pages of the web UI, one module per area. Views are thin: validate, call one service or selector, render."""
