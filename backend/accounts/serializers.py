"""API input and output of the accounts app: the signed-in user, API tokens (never their secrets
except once, in the response that issues one), invitations (never their links) and managed users."""

from knox.models import AuthToken
from rest_framework import serializers

from backend.accounts.models import Invitation, InvitationState, User


class MeOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "role", "prefecture", "municipality", "expert"]


class TokenLoginInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=User._meta.get_field("username").max_length)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True,
                                     style={"input_type": "password"})


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The secret; shown only in this response. "
                                            "Send it as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField()


class TokenListOutputSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="token_key", help_text="The first characters of the token: "
                                                             "enough to name it, useless to sign in.")

    class Meta:
        model = AuthToken
        fields = ["id", "created", "expiry"]


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    ja = serializers.CharField()
    en = serializers.CharField()


class ErrorOutputSerializer(serializers.Serializer):
    """The shape of every API error (backend.core.api.exception_handler, and the lock-out response)."""

    detail = serializers.CharField()
    errors = ErrorItemSerializer(many=True)


class InvitationOutputSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    role = serializers.CharField(source="user.role")
    municipality = serializers.CharField(source="user.municipality_id", allow_null=True)
    expert = serializers.IntegerField(source="user.expert_id", allow_null=True)
    state = serializers.ChoiceField(choices=InvitationState.choices)
    invited_by = serializers.CharField(source="invited_by.username", default=None, allow_null=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "username", "role", "municipality", "expert", "prefecture", "state", "sent_at",
                  "expires_at", "used_at", "revoked_at", "invited_by"]


class ManagedUserOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "email", "role", "municipality", "expert", "is_active", "last_login"]
