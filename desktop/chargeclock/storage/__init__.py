"""The only place with SQL: the connection, migrations, repositories, audit log and backups.

``sqlite3`` and ``sqlite_utils`` are imported here and nowhere else. Repositories are plain
functions taking a connection; callers group them with :meth:`Database.transaction`.
"""
