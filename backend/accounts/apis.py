"""The signed-in user, and API tokens for scripts: a token login that django-axes watches like the login
page, logout of one token or all, and the owner's list of tokens with revocation."""

from django.contrib.auth import authenticate, user_logged_in
from drf_spectacular.utils import extend_schema
from knox.auth import TokenAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import selectors, services
from backend.accounts.serializers import (
    ErrorOutputSerializer,
    MeOutputSerializer,
    TokenListOutputSerializer,
    TokenLoginInputSerializer,
    TokenOutputSerializer,
)
from backend.core.api import validate_input
from backend.core.errors import DomainError


def _issued(secret, expiry) -> Response:
    return Response(TokenOutputSerializer({"token": secret, "expiry": expiry}).data)


class MeApi(APIView):
    """The signed-in user and their role scope."""

    @extend_schema(responses=MeOutputSerializer)
    def get(self, request):
        return Response(MeOutputSerializer(request.user).data)


class TokenLoginApi(APIView):
    """Sign in with username and password for a new token, valid for 10 hours. Five failures in a row lock
    the account for 30 minutes (429), whichever login they were made on."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    parser_classes = (JSONParser, FormParser)  # curl -d "username=…&password=…" as in docs/api.md

    @extend_schema(request=TokenLoginInputSerializer,
                   responses={200: TokenOutputSerializer, 400: ErrorOutputSerializer, 429: ErrorOutputSerializer})
    def post(self, request):
        data = validate_input(TokenLoginInputSerializer, data=request.data)
        # Django's HttpRequest, not DRF's wrapper: django-axes marks it when the account is locked, and its
        # middleware then answers 429 instead of this view's 400.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            raise DomainError.single("non_field_errors", "authorization",
                                     ja="ユーザー名またはパスワードが正しくありません。",
                                     en="Unable to log in with provided credentials.")
        # A login like the page's: last_login is set and django-axes clears the failures.
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        return _issued(*services.auth_token_issue(user=user))


class TokenApi(APIView):
    """Issue a new token for the signed-in user (from the browser session), for scripts."""

    @extend_schema(request=None, responses=TokenOutputSerializer)
    def post(self, request):
        return _issued(*services.auth_token_issue(user=request.user))


class TokenLogoutApi(APIView):
    """Revoke the token this request is signed with."""

    authentication_classes = (TokenAuthentication,)

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.auth_token_revoke(user=request.user, token_key=request.auth.token_key)
        return Response(status=204)


class TokenLogoutAllApi(APIView):
    """Revoke every token of the signed-in user."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.auth_token_revoke_all(user=request.user)
        return Response(status=204)


class TokenListApi(APIView):
    """The signed-in user's tokens that still work: their id (the token's first characters), when each was
    issued and when it expires. Never a secret."""

    @extend_schema(responses=TokenListOutputSerializer(many=True))
    def get(self, request):
        return Response(TokenListOutputSerializer(selectors.auth_token_list(user=request.user), many=True).data)


class TokenDetailApi(APIView):
    """Revoke one of the signed-in user's tokens by its id; another user's token is a 404."""

    @extend_schema(responses={204: None, 404: ErrorOutputSerializer})
    def delete(self, request, token_key: str):
        if not services.auth_token_revoke(user=request.user, token_key=token_key):
            raise NotFound
        return Response(status=204)
