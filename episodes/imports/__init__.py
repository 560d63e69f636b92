"""Moving shows in: reading a feed (``feedreader``), writing it (``importer``), the admin page."""
