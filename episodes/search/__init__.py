"""Search across the network's public episodes, transcripts, people and shows.

``episodes.search.query.search()`` is the one function pages call; it answers through
PostgreSQL full-text search or SQLite's FTS5, whichever database the site runs on.
"""
