"""The password backend, with the user's prefecture and municipality loaded in the same query.

Every page names them in its header and every selector scopes by them; fetching them with the user
saves a query on each request.
"""

from django.contrib.auth.backends import ModelBackend

from backend.accounts.models import User


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = User.objects.select_related("prefecture", "municipality").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
