from rest_framework import pagination
from rest_framework.request import Request

from crackdown.paging import MAX_PAGE_SIZE, PAGE_SIZE, parse_page_size


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination on the newest-first order: no OFFSET, no COUNT.

    DRF's cursor (`cursor`, `next`, `previous`) is the API's contract; the page-size rule is the
    HTML pages' one (crackdown/paging.py)."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering: tuple[str, ...] = ("-created_at", "-id")

    def get_page_size(self, request: Request) -> int | None:
        return parse_page_size(
            request.query_params.get(self.page_size_query_param), default=self.page_size, maximum=self.max_page_size
        )
