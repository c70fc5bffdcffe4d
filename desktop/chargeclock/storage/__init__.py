"""The only place with SQL: the connection, migrations, repositories, audit log and backups.

``sqlite3``, ``sqlite_utils`` and ``psycopg`` (a clinic on a PostgreSQL server: ``pg*.py``) are
imported here and nowhere else. Repositories are plain functions taking a connection; callers
group them with :meth:`Database.transaction`.
"""
