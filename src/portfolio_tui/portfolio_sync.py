"""Use cases of laptop-to-laptop sync: exporting and merging bundles. Part of the Portfolio
service (a base class of `Portfolio`), kept apart to keep modules small."""

from __future__ import annotations


class SyncExchange:
    pass
