"""The encrypted record store on SQLAlchemy Core: SQLite (default) or PostgreSQL.

Nothing readable is stored: see `schema.py` for the tables and `vault.py` for how records
are encrypted, indexed and read.
"""
