"""store: the project file (SQLite via sqlite-utils), its schema, history, backups and file safety.

Importing this package imports nothing: sqlite-utils (which pulls in numpy and pandas when
they are installed) is loaded on first use of :attr:`qualcode.store.project.Project.db`.
"""
