"""Session lifetime: a signed-in session ends after SESSION_IDLE_TIMEOUT_S without a request and at the
latest SESSION_ABSOLUTE_TIMEOUT_S after sign-in.

Owns two timestamps kept in the session; never decides who may sign in (that is django-axes and the
authentication backends).
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout

LOGIN_AT = "kenmu_login_at"
SEEN_AT = "kenmu_seen_at"
# An active session is written back (and its expiry in the database pushed on) at most this often, instead
# of on every request as SESSION_SAVE_EVERY_REQUEST would: the idle limit becomes exact to within a minute.
TOUCH_EVERY_S = 60


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = time.time()
            login_at, seen_at = session.get(LOGIN_AT, now), session.get(SEEN_AT, now)
            if (now - seen_at > settings.SESSION_IDLE_TIMEOUT_S
                    or now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT_S):
                logout(request)
            elif SEEN_AT not in session or now - seen_at >= TOUCH_EVERY_S:
                session[LOGIN_AT], session[SEEN_AT] = login_at, now
        response = self.get_response(request)
        if SESSION_KEY in session and LOGIN_AT not in session:
            # This request signed in: the absolute limit counts from now.
            session[LOGIN_AT] = session[SEEN_AT] = time.time()
        return response
