"""Persistence: SQLModel tables, the engine, migrations and every SQL statement of the app."""
