"""The REST API at ``/api/``: every request decided by ``episodes.access``, as in the admin."""
