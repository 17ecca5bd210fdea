from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User


class MeOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "role", "prefecture", "municipality", "expert"]


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


class MeApi(APIView):
    """The signed-in user and their role scope."""

    @extend_schema(responses=MeOutputSerializer)
    def get(self, request):
        return Response(MeOutputSerializer(request.user).data)


class TokenApi(APIView):
    """Issue (or return) the API token of the signed-in user, for scripts."""

    @extend_schema(request=None, responses=TokenOutputSerializer)
    def post(self, request):
        token, _ = Token.objects.get_or_create(user=request.user)
        return Response({"token": token.key})
