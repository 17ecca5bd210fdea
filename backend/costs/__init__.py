"""What the shared experts cost (費用): per municipality and prefecture for a fiscal year, the fees and travel
committed against the needs' budgets, the estimated 特別交付税 and the net cost; and the prefecture's settings
the figures use. It only reads engagements and needs; its one write is the prefecture's settings.
"""
