"""vCard 3.0 (RFC 2426) address cards: writing one per contact, and reading the cards phones
and address books export (3.0, also 2.1 and 4.0 as far as the fields we keep go)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from portfolio_tui.domain.matching import looks_like_id, record_id_for_uid
from portfolio_tui.domain.text import find_control, is_valid_email
from portfolio_tui.formats import contentlines as cl
from portfolio_tui.formats.contentlines import escape, line, split_unescaped, unescape, unfold

PRODID = "-//portfolio-tui//vCard export//EN"
ACCOUNT_ID = "X-PORTFOLIO-ACCOUNT-ID"


@dataclass(frozen=True)
class Address:
    street: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = ""

    def __bool__(self) -> bool:
        return any((self.street, self.city, self.postal_code, self.country))


@dataclass
class Card:
    uid: str
    name: str
    org: str | None = None
    title: str | None = None
    phone: str | None = None
    email: str | None = None
    address: Address = field(default_factory=Address)
    note: str | None = None
    categories: list[str] = field(default_factory=list)
    revision: datetime | None = None  # naive UTC
    account_id: str | None = None
    line: int = 0  # where the card starts, when read from a file


class VcardError(ValueError):
    """A file that is not a set of well-formed cards; the message names the line."""


def split_name(name: str) -> tuple[str, str]:
    """(family, given) for the N property: trailing words in capitals are the family name
    ("Benoît BRÛLÉ"), else the last word is."""
    words = name.split()
    if not words:
        return "", ""
    upper = 0
    for word in reversed(words):
        if len(word) > 1 and word.isupper():
            upper += 1
        else:
            break
    cut = len(words) - (upper if 0 < upper < len(words) else 1)
    return " ".join(words[cut:]), " ".join(words[:cut])


def card_text(card: Card) -> str:
    family, given = split_name(card.name)
    out = [
        "BEGIN:VCARD\r\n",
        "VERSION:3.0\r\n",
        line("PRODID", PRODID),
        line("UID", escape(card.uid)),
        line("FN", escape(card.name)),
        line("N", f"{escape(family)};{escape(given)};;;"),
    ]
    if card.org:
        out.append(line("ORG", escape(card.org)))
    if card.title:
        out.append(line("TITLE", escape(card.title)))
    if card.phone:
        out.append(line("TEL", escape(card.phone), type="WORK,VOICE"))
    if card.email:
        out.append(line("EMAIL", escape(card.email), type="INTERNET,WORK"))
    if card.address:
        a = card.address
        parts = ("", "", a.street, a.city, "", a.postal_code, a.country)
        out.append(line("ADR", ";".join(escape(p) for p in parts), type="WORK"))
    if card.note:
        out.append(line("NOTE", escape(card.note)))
    if card.categories:
        out.append(line("CATEGORIES", ",".join(escape(c) for c in card.categories)))
    if card.revision is not None:
        out.append(line("REV", card.revision.strftime("%Y%m%dT%H%M%SZ")))
    if card.account_id:
        out.append(line(ACCOUNT_ID, escape(card.account_id)))
    out.append("END:VCARD\r\n")
    return "".join(out)


def cards_text(cards: Iterable[Card]) -> str:
    return "".join(card_text(c) for c in cards)


def _preferred(props: list[cl.Property]) -> cl.Property | None:
    """The property marked preferred (TYPE=pref or PREF=1), else the first."""
    for prop in props:
        if "PREF" in prop.types or prop.param("PREF"):
            return prop
    return props[0] if props else None


def parse_cards(text: str, source: str) -> list[Card]:
    """Every card in `text`. VcardError naming `source` and the line for a card that never
    ends, a property outside a card, or a card with no name."""
    cards: list[Card] = []
    props: list[cl.Property] | None = None
    start = 0
    for number, logical in unfold(text):
        if not logical.strip():
            continue
        prop = cl.parse_line(logical)
        if prop is None:
            raise VcardError(f"{source}:{number}: not a vCard line: {logical[:40]!r}")
        if prop.name == "BEGIN" and prop.value.strip().upper() == "VCARD":
            if props is not None:
                raise VcardError(f"{source}:{start}: a card is not closed before line {number}")
            props, start = [], number
        elif prop.name == "END" and prop.value.strip().upper() == "VCARD":
            if props is None:
                raise VcardError(f"{source}:{number}: END:VCARD without BEGIN:VCARD")
            cards.append(_card(props, source, start))
            props = None
        elif props is None:
            raise VcardError(f"{source}:{number}: {prop.name} outside a card")
        else:
            props.append(prop)
    if props is not None:
        raise VcardError(f"{source}:{start}: the card has no END:VCARD (is the file cut short?)")
    return cards


def _card(props: list[cl.Property], source: str, start: int) -> Card:
    by_name: dict[str, list[cl.Property]] = {}
    for prop in props:
        by_name.setdefault(prop.name, []).append(prop)

    def text(name: str) -> str | None:
        found = by_name.get(name)
        value = unescape(found[0].value).strip() if found else ""
        return value or None

    name = text("FN")
    if not name and "N" in by_name:
        family, given, *_ = [*split_unescaped(by_name["N"][0].value, ";"), "", ""]
        name = " ".join(p for p in (given.strip(), family.strip()) if p) or None
    if not name:
        raise VcardError(f"{source}:{start}: the card has no name (FN or N)")
    org = None
    if "ORG" in by_name:
        org = split_unescaped(by_name["ORG"][0].value, ";")[0].strip() or None
    tel = _preferred(by_name.get("TEL", []))
    mail = _preferred(by_name.get("EMAIL", []))
    address = Address()
    adr = _preferred(by_name.get("ADR", []))
    if adr is not None:
        parts = [*split_unescaped(adr.value, ";"), *[""] * 7][:7]
        address = Address(parts[2].strip(), parts[3].strip(), parts[5].strip(), parts[6].strip())
    categories = [
        c.strip()
        for prop in by_name.get("CATEGORIES", [])
        for c in split_unescaped(prop.value, ",")
        if c.strip()
    ]
    uid = text("UID") or ""
    uid = re.sub(r"^urn:uuid:", "", uid, flags=re.IGNORECASE)
    return Card(
        uid=uid,
        name=name,
        org=org,
        title=text("TITLE"),
        phone=_phone(tel),
        email=re.sub(r"^mailto:", "", unescape(mail.value).strip(), flags=re.I) or None
        if mail
        else None,
        address=address,
        note=text("NOTE"),
        categories=categories,
        account_id=text(ACCOUNT_ID),
        line=start,
    )


def _phone(tel: cl.Property | None) -> str | None:
    """The number of a TEL property; vCard 4.0 writes it as a URI (`tel:+33-1-00`)."""
    if tel is None:
        return None
    number = unescape(tel.value).strip()
    if number[:4].lower() == "tel:":
        number = number[4:].split(";")[0].strip()  # a tel URI may carry ;ext=…
    return number or None


def card_values(card: Card) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A card as the values of a contacts row (the fields the contacts import reads), and
    what is wrong with it as (field, reason): control characters, an e-mail address that
    is not one. The id is the card's UID, or a UUID made from a UID that is not one."""
    values: dict[str, str] = {"name": card.name}
    errors: list[tuple[str, str]] = []
    if card.uid:
        values["id"] = record_id_for_uid(card.uid)
    if card.account_id and looks_like_id(card.account_id):
        values["account_id"] = record_id_for_uid(card.account_id)
    for key, value in (("account", card.org), ("role", card.title),
                       ("email", card.email), ("phone", card.phone)):  # fmt: skip
        if value:
            values[key] = value
    for key, value in (("uid", card.uid), *values.items()):
        index = find_control(value)
        if index is not None:
            errors.append((key, f"control character U+{ord(value[index]):04X}"))
    email = values.get("email")
    if email and not any(k == "email" for k, _ in errors) and not is_valid_email(email):
        errors.append(("email", f"'{email}' is not an email address"))
    return values, errors


_CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAX_FOREIGN_CARD_BYTES = 1 << 20


def foreign_cards(folder: Path) -> dict[str, tuple[Path, str]]:
    """{contact id: (file, UID)} of the one-card files in `folder` whose UID is not the
    contact id itself (another program's UID, see `card_values`). Files named after a
    canonical UUID are ours (or keep their UID as id) and not read; unreadable files are
    left alone."""
    found: dict[str, tuple[Path, str]] = {}
    for path in sorted(folder.glob("*.vcf")):
        if _CANONICAL_UUID.match(path.stem):
            continue
        try:
            if not path.is_file() or path.stat().st_size > MAX_FOREIGN_CARD_BYTES:
                continue
            cards = parse_cards(path.read_text(encoding="utf-8"), str(path))
        except (OSError, UnicodeDecodeError, VcardError):
            continue
        if len(cards) == 1 and cards[0].uid and record_id_for_uid(cards[0].uid) != cards[0].uid:
            found[record_id_for_uid(cards[0].uid)] = (path, cards[0].uid)
    return found
