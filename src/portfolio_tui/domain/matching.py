"""Finding the record an imported row is about: by id, then legal id, then email, then exact
name (case and spacing ignored). Names may be shared, so a name that means two records is
reported as ambiguous rather than guessed."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field


class AmbiguousMatch(ValueError):
    pass


def legal_key(text: str | None) -> str | None:
    """SIRET/SIREN/VAT numbers compared without spaces, dots or dashes, in capitals."""
    if not text:
        return None
    key = re.sub(r"[\s.\-\u00a0\u202f]", "", text).upper()
    return key or None


def email_key(text: str | None) -> str | None:
    return text.strip().casefold() if text and text.strip() else None


def name_key(text: str | None) -> str | None:
    return " ".join(text.split()).casefold() if text and text.strip() else None


def looks_like_id(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


# Ids made for cards whose UID is not a UUID (phones, Google, Apple write their own): always
# the same id for the same UID, so a card imported twice is one contact.
_UID_NAMESPACE = uuid.UUID("6b1d6f0e-5a8e-4c47-9a53-0f3c1e2d7a10")


def record_id_for_uid(uid: str) -> str:
    """The id of the record a card with this UID is: the UID itself when it is a UUID
    (written the canonical way), else a UUID made from it (version 5)."""
    try:
        return str(uuid.UUID(uid))
    except ValueError:
        return str(uuid.uuid5(_UID_NAMESPACE, uid))


def looks_like_legal_id(text: str) -> bool:
    """A SIREN/SIRET-like number (9 to 14 digits, spaces allowed): never a company name."""
    digits = re.sub(r"[\s.\u00a0\u202f]", "", text)
    return digits.isdigit() and 9 <= len(digits) <= 14


@dataclass
class RecordIndex:
    """Live records of one kind by id, legal id, email and name. A name is looked up within
    a scope (the account, for contacts)."""

    by_id: dict[str, str] = field(default_factory=dict)  # id → id (ids are normalised)
    by_legal: dict[str, list[str]] = field(default_factory=dict)
    by_email: dict[str, list[str]] = field(default_factory=dict)
    by_name: dict[tuple[str | None, str], list[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # id → name as written

    def add(
        self,
        record_id: str,
        *,
        name: str | None = None,
        legal_id: str | None = None,
        email: str | None = None,
        scope: str | None = None,
    ) -> None:
        self.by_id[record_id] = record_id
        if name:
            self.names[record_id] = name
        for table, key in (
            (self.by_legal, legal_key(legal_id)),
            (self.by_email, email_key(email)),
            (self.by_name, (scope, name_key(name)) if name_key(name) else None),
        ):
            if key is not None:
                ids = table.setdefault(key, [])  # type: ignore[arg-type]
                if record_id not in ids:
                    ids.append(record_id)

    def forget(
        self,
        record_id: str,
        *,
        name: str | None = None,
        legal_id: str | None = None,
        email: str | None = None,
        scope: str | None = None,
    ) -> None:
        """Drop the keys a record had (before it is re-added with new values)."""
        for table, key in (
            (self.by_legal, legal_key(legal_id)),
            (self.by_email, email_key(email)),
            (self.by_name, (scope, name_key(name)) if name_key(name) else None),
        ):
            ids = table.get(key) if key is not None else None  # type: ignore[arg-type]
            if ids and record_id in ids:
                ids.remove(record_id)

    def _one(self, ids: list[str] | None, what: str, value: str) -> str | None:
        if not ids:
            return None
        if len(ids) > 1:
            raise AmbiguousMatch(f"{len(ids)} records have the {what} '{value}'")
        return ids[0]

    def match(
        self,
        *,
        record_id: str | None = None,
        legal_id: str | None = None,
        email: str | None = None,
        name: str | None = None,
        scope: str | None = None,
    ) -> str | None:
        """The id of the record these values designate, or None for a new record."""
        if record_id and record_id in self.by_id:
            return record_id
        key = legal_key(legal_id)
        found = self._one(self.by_legal.get(key), "legal id", legal_id or "") if key else None
        if found is None and email_key(email):
            found = self._one(self.by_email.get(email_key(email) or ""), "email", email or "")
        if found is None and name_key(name):
            found = self._one(self.by_name.get((scope, name_key(name) or "")), "name", name or "")
        return found

    def resolve(self, ref: str) -> str | None:
        """An account given as an id, a legal id or a name (a spreadsheet's Client column)."""
        ref = ref.strip()
        if ref in self.by_id:
            return ref
        key = legal_key(ref)
        found = self._one(self.by_legal.get(key), "legal id", ref) if key else None
        if found is None:
            found = self._one(self.by_name.get((None, name_key(ref) or "")), "name", ref)
        return found
