"""Owns the database: models, engine and sessions, repositories, Alembic migrations.

Repositories take a session and never make one; callers own transactions.
"""
