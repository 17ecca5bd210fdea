"""How engagements are financed (issue 24): the register of funding schemes per prefecture (特別交付税 for
CIO補佐官等, 地域力創造アドバイザー, 地域活性化起業人, 一般財源), each engagement's scheme, the recruitment costs of a
need or a round, and whether and how far an engagement is eligible, from the confirmed activity log.

`rules.py` decides on plain values (never a query); `selectors.py` reads the rows into them.
"""
