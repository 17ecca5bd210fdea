"""One thin viewset shape for every resource: scoped selector in, service out.

A resource says which selector scopes the queryset for the user, which serializer reads input,
which renders output, and which services write. Object permissions are decided in two steps:
an object outside the user's scope is 404 (its existence is not revealed); an object in scope
that the user may read but not change is 403.

A list may be served leaner than the objects: `list_rows` narrows the filtered queryset to the columns the
list shows (a selector's `*_list_rows`), and `list_serializer_class` turns each row into the same fields
`output_serializer_class` documents, which is what the schema shows for the list too.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from backend.core.api import BilingualValidationError, validate_input
from backend.core.errors import ErrorCode, FieldProblem, interpolate
from backend.core.filters import ScopedFilterBackend
from backend.core.reuse import reuse_data


def iso_datetime(value):
    """A datetime as DRF's DateTimeField writes it (ISO 8601 in the current time zone), for list serializers."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class _CountedRows:
    """What the paginator pages: the total counted on the scoped objects (a COUNT without the joins `rows`
    makes for names), the page sliced from `rows`."""

    def __init__(self, objects, rows):
        self.objects, self.rows, self.ordered = objects, rows, rows.ordered

    def count(self) -> int:
        return self.objects.count()

    def __getitem__(self, key):
        return self.rows[key]


class ScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    output_serializer_class = None
    input_serializer_class = None
    list_serializer_class = None  # same fields as output_serializer_class, from the rows of `list_rows`
    filter_backends = [ScopedFilterBackend]
    filterset_class = None  # the app's FilterSet (backend/<app>/filters.py): filters the list, shown in the schema

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update") and self.request.method != "GET":
            return self.input_serializer_class or self.output_serializer_class
        return self.output_serializer_class

    def scoped_queryset(self, user):
        raise NotImplementedError

    def get_queryset(self):
        return self.scoped_queryset(self.request.user)

    def list_rows(self, queryset):
        """The rows a list page serialises; by default the scoped objects themselves."""
        return queryset

    def list(self, request, *args, **kwargs):
        # A list is a pure read: built once per database snapshot and reader (backend/core/reuse.py).
        return reuse_data(request, lambda: self.list_response(request, *args, **kwargs))

    def list_response(self, request, *args, **kwargs):
        if self.list_serializer_class is None:
            return super().list(request, *args, **kwargs)
        objects = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(_CountedRows(objects, self.list_rows(objects)))
        rows = self.list_serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(rows)

    # -- write permissions; override per resource ------------------------------------------
    def can_create(self, user) -> bool:
        return False

    def can_change(self, user, obj) -> bool:
        return False

    def check_create(self):
        if not self.can_create(self.request.user):
            raise PermissionDenied()

    def object_for_change(self):
        obj = self.get_object()  # 404 outside the user's scope
        if not self.can_change(self.request.user, obj):
            raise PermissionDenied()
        return obj

    def refuse_read_only_fields(self, data) -> None:
        """A field the resource shows but this write does not take (a status, a registration date) is
        refused by name rather than silently ignored, so nobody believes it was changed."""
        if not hasattr(data, "keys"):
            return
        writable = set(self.input_serializer_class().fields)
        shown = set(self.output_serializer_class().fields)
        refused = sorted((set(data.keys()) & shown) - writable)
        if refused:
            raise BilingualValidationError.of(*(
                FieldProblem(name, ErrorCode.READ_ONLY, interpolate(_("この項目（%(name)s）はここでは変更できません。"), name=name))
                for name in refused))

    def render(self, obj, status_code=status.HTTP_200_OK):
        obj = self.scoped_queryset(self.request.user).get(pk=obj.pk) if hasattr(obj, "pk") else obj
        return Response(self.output_serializer_class(obj, context=self.get_serializer_context()).data,
                        status=status_code)


class WritableScopedViewSet(ScopedViewSet):
    """Adds create / update / destroy through services."""

    def create_object(self, *, user, data):
        raise NotImplementedError

    def update_object(self, *, user, obj, data):
        raise NotImplementedError

    def delete_object(self, *, user, obj):
        raise PermissionDenied()

    def create(self, request, *args, **kwargs):
        self.check_create()
        self.refuse_read_only_fields(request.data)
        data = validate_input(self.input_serializer_class, data=request.data,
                              context=self.get_serializer_context())
        obj = self.create_object(user=request.user, data=data)  # the service owns its transaction
        return self.render(obj, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        obj = self.object_for_change()
        self.refuse_read_only_fields(request.data)
        data = validate_input(self.input_serializer_class, data=request.data, instance=obj, partial=partial,
                              context=self.get_serializer_context())
        obj = self.update_object(user=request.user, obj=obj, data=data)
        return self.render(obj)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        obj = self.object_for_change()
        self.delete_object(user=request.user, obj=obj)
        return Response(status=status.HTTP_204_NO_CONTENT)


def documented(input_serializer, output_serializer):
    """Schema for the write actions of a WritableScopedViewSet subclass."""
    return {
        "create": extend_schema(request=input_serializer, responses={201: output_serializer}),
        "update": extend_schema(request=input_serializer, responses={200: output_serializer}),
        "partial_update": extend_schema(request=input_serializer, responses={200: output_serializer}),
    }
