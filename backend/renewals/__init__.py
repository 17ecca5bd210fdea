"""Renewal into the next fiscal year (継続): last year's active engagements become next year's needs, with the
same terms and the same expert, waiting for the municipality to confirm, edit or drop them.

This package reads engagements and writes needs; no other app imports it (only the API and the pages do).
It has no models of its own: a renewal is a Need whose `renewed_from` names the engagement it continues.
"""
