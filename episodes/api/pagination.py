from rest_framework.pagination import CursorPagination


class Pagination(CursorPagination):
    """Opaque cursors: stable while rows are added or removed, cheap at any depth."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-pk"
