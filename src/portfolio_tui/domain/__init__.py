"""Pure portfolio logic: plain values in, plain values out.

Nothing in this package imports Textual, SQLModel, sqlite3 or touches files; a test enforces it.
"""
