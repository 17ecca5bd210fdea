"""The demo: a prefecture's worth of experts, needs, procurements and runs for a newcomer to try kenmu on.

It writes through every domain app's services, so it lives apart from `backend.core`, which must not know them.
"""
