"""The signed-in user, and API tokens for scripts: a token login that django-axes watches like the login
page, logout of one token or all, and the owner's list of tokens with revocation. Coordinators' invitations
(created in the applications app, above this one) and the accounts of their prefecture."""

from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from knox.auth import TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import selectors, services
from backend.accounts.errors import ErrorCode
from backend.accounts.models import Invitation, User
from backend.accounts.permissions import is_coordinator
from backend.accounts.serializers import (
    ErrorOutputSerializer,
    InvitationOutputSerializer,
    ManagedUserOutputSerializer,
    MeOutputSerializer,
    TokenListOutputSerializer,
    TokenLoginInputSerializer,
    TokenOutputSerializer,
)
from backend.core.api import validate_input
from backend.core.errors import DomainError
from backend.core.viewsets import ScopedViewSet


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
            raise DomainError.single("non_field_errors", ErrorCode.AUTHORIZATION,
                                     _("ユーザー名またはパスワードが正しくありません。"))
        # A login like the page's: last_login is set and django-axes clears the failures.
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        return _issued(*services.auth_token_issue(actor=user))


class TokenApi(APIView):
    """Issue a new token for the signed-in user (from the browser session), for scripts."""

    @extend_schema(request=None, responses=TokenOutputSerializer)
    def post(self, request):
        return _issued(*services.auth_token_issue(actor=request.user))


class TokenLogoutApi(APIView):
    """Revoke the token this request is signed with."""

    authentication_classes = (TokenAuthentication,)

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.auth_token_revoke(actor=request.user, token_key=request.auth.token_key)
        return Response(status=204)


class TokenLogoutAllApi(APIView):
    """Revoke every token of the signed-in user."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.auth_token_revoke_all(actor=request.user)
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
        if not services.auth_token_revoke(actor=request.user, token_key=token_key):
            raise NotFound
        return Response(status=204)


class IsCoordinator(BasePermission):
    """Prefecture coordinators and system administrators; municipal staff and experts get 403."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and is_coordinator(user))


class InvitationViewSet(ScopedViewSet):
    """Invitations of the coordinator's prefecture, listed, resent and revoked; another prefecture's invitation
    is a 404 and the link itself is only ever in the mail. Creating one (which may register an expert) is
    the subclass of the applications app, which the API registers."""

    queryset = Invitation.objects.none()
    permission_classes = (IsCoordinator,)
    output_serializer_class = InvitationOutputSerializer

    def scoped_queryset(self, user):
        return selectors.invitation_list(user=user)

    @extend_schema(request=None, responses=InvitationOutputSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        """A new link to the same address, valid 7 days from now; the earlier link stops working."""
        return self.render(services.invitation_resend(actor=request.user, invitation=self.get_object()))

    @extend_schema(request=None, responses=InvitationOutputSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """The link stops working and the login that never signed in is deactivated."""
        return self.render(services.invitation_revoke(actor=request.user, invitation=self.get_object()))


class ManagedUserViewSet(ScopedViewSet):
    """Municipal staff and experts of the coordinator's prefecture; deactivating one ends their sessions
    and tokens and keeps the account (and its history)."""

    queryset = User.objects.none()
    permission_classes = (IsCoordinator,)
    output_serializer_class = ManagedUserOutputSerializer

    def scoped_queryset(self, user):
        return selectors.managed_user_list(user=user)

    @extend_schema(request=None, responses=ManagedUserOutputSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self.render(services.user_deactivate(actor=request.user, user=self.get_object()))

    @extend_schema(request=None, responses=ManagedUserOutputSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        """The deactivated login can sign in again with its password; tokens from before stay revoked."""
        return self.render(services.user_reactivate(actor=request.user, user=self.get_object()))

    @extend_schema(request=None, responses=ManagedUserOutputSerializer)
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        """Lift the lock-out after repeated failed logins (409 when the login is not locked out)."""
        user = self.get_object()
        services.user_unlock(actor=request.user, user=user)
        return self.render(user)
