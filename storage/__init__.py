"""Persistence: SQLAlchemy 2 models, the repository API, Alembic migrations.

SQLAlchemy stays inside this package; callers use :class:`storage.repository.Repository`
and receive plain records and :mod:`bot.errors` exceptions.
"""
