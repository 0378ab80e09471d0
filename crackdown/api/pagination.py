from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

from crackdown.paging import MAX_PAGE_SIZE, PAGE_SIZE


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination on the newest-first order: no OFFSET, no COUNT.

    DRF's cursor (`cursor`, `next`, `previous`) is the API's contract. `page_size` is 1 to
    MAX_PAGE_SIZE as API.md says: anything else (0, -1, "abc", "null") is a 400;
    left empty, the default, and so is a
    cursor that is not one of ours (undecodable, or holding a NUL character)."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering: tuple[str, ...] = ("-created_at", "-id")

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return size

    def decode_cursor(self, request: Request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from None
        if cursor is not None and "\x00" in str(cursor.position or ""):
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        return cursor

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size, default=self.page_size)
        return parameters
