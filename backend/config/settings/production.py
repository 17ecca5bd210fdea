"""Production: everything from the environment; refuses to start misconfigured."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import database_settings, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be set to at least 32 random characters in production")
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must point at the production PostgreSQL")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": database_settings(env("DATABASE_URL"))}

SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxy terminates TLS and redirects plain HTTP itself; turn this on only when it does not.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Browsers remember for a year to use HTTPS only (sent on HTTPS responses; 0 turns it off while testing).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
