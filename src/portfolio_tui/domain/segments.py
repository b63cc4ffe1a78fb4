"""Saved segments: named filters over the accounts, such as `abc = A and stage = client`.

A filter is terms joined by `and` (or `et`), each `field OP value`, OP one of = != < > <= >=.
A value runs to the next `and`/`et`, so `city = Le Mans` works; quote a value that holds one of
those words or an operator sign: `sector = "Arts et métiers"` (double or single quotes).

Fields: abc (A, B, C), stage, segment (the RFM segment, English or French name), nps
(promoter, passive, detractor, or French), sector, city, region, tag: these take = and != only
and compare ignoring case and accents. p_alive (0 to 1), revenue (euros, compared with the
row's cents) and last_contact (days since the last contact) take every operator.

A row value that is None (or blank text) matches no term, not even a `!=` one. Tags are a list
or comma text; an empty one is an account without tags, which `tag != vip` matches.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from portfolio_tui.domain.money import MoneyError, cents_to_plain, parse_money
from portfolio_tui.domain.rfm import SEGMENTS
from portfolio_tui.domain.stages import Stage
from portfolio_tui.i18n import _

OPERATORS: tuple[str, ...] = ("=", "!=", "<", ">", "<=", ">=")
EQUALITY_OPERATORS: tuple[str, ...] = ("=", "!=")
CHOICE_FIELDS: tuple[str, ...] = ("abc", "stage", "segment", "nps")
TEXT_FIELDS: tuple[str, ...] = ("sector", "city", "region", "tag")
NUMBER_FIELDS: tuple[str, ...] = ("p_alive", "revenue", "last_contact")
FIELDS: tuple[str, ...] = (*CHOICE_FIELDS, *TEXT_FIELDS, *NUMBER_FIELDS)
SEGMENT_NAME_MAX = 60
ABC_CLASSES: tuple[str, ...] = ("A", "B", "C")
NPS_CATEGORIES: tuple[str, ...] = ("promoter", "passive", "detractor")  # as nps_category()

# The row key each field reads.
ROW_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "abc": "abc",
        "stage": "stage",
        "segment": "segment",
        "nps": "nps_category",
        "sector": "sector",
        "city": "city",
        "region": "region",
        "tag": "tags",
        "p_alive": "p_alive",
        "revenue": "revenue_cents",
        "last_contact": "last_contact_days",
    }
)

_FRENCH_SEGMENTS: Mapping[str, str] = MappingProxyType(
    {
        "Fidèles": "Loyal",
        "Fidèles potentiels": "Potential Loyalists",
        "Nouveaux clients": "New Customers",
        "Prometteurs": "Promising",
        "À surveiller": "Need Attention",
        "Bientôt endormis": "About to Sleep",
        "À risque": "At Risk",
        "À ne pas perdre": "Can't Lose Them",
        "En hibernation": "Hibernating",
    }
)
_FRENCH_STAGES: Mapping[str, str] = MappingProxyType(
    {
        "froid": "cold",
        "tiède": "warm",
        "chaud": "hot",
        "gagné": "client",
        "gagnée": "client",
        "perdu": "lost",
    }
)
_FRENCH_NPS: Mapping[str, str] = MappingProxyType(
    {"promoteur": "promoter", "passif": "passive", "détracteur": "detractor"}
)
_CONJUNCTIONS = frozenset({"and", "et"})
_COMPARE: Mapping[str, Callable[[object, object], bool]] = MappingProxyType(
    {
        "=": operator.eq,
        "!=": operator.ne,
        "<": operator.lt,
        ">": operator.gt,
        "<=": operator.le,
        ">=": operator.ge,
    }
)
_TOKEN = re.compile(
    r"""\s*(?:
        "(?P<dq>[^"]*)" | '(?P<sq>[^']*)'   # quoted: the only way to hold spaces + and/et
        | (?P<op>[<>!=]+)
        | (?P<word>[^\s<>!="']\S*?)(?=[\s<>!="]|$)   # an apostrophe inside a word is kept
    )""",
    re.VERBOSE,
)


class SegmentError(ValueError):
    """A segment filter or name that can't be used; the message names it and what is allowed."""


def fold(text: str) -> str:
    """`text` compared ignoring case, accents and runs of spaces; ’ reads as '."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _choice_key(text: str) -> str:
    """Choice names also ignore apostrophes, hyphens and underscores: `cant_lose_them`."""
    return " ".join(re.sub(r"[-_]", " ", fold(text).replace("'", "")).split())


def _choices(names: tuple[str, ...], french: Mapping[str, str]) -> Mapping[str, str]:
    keys = {_choice_key(name): name for name in names}
    keys.update({_choice_key(alias): name for alias, name in french.items()})
    return MappingProxyType(keys)


_CHOICES: Mapping[str, tuple[tuple[str, ...], Mapping[str, str]]] = MappingProxyType(
    {
        "abc": (ABC_CLASSES, _choices(ABC_CLASSES, {})),
        "stage": (
            tuple(s.value for s in Stage),
            _choices(tuple(s.value for s in Stage), _FRENCH_STAGES),
        ),
        "segment": (SEGMENTS, _choices(SEGMENTS, _FRENCH_SEGMENTS)),
        "nps": (NPS_CATEGORIES, _choices(NPS_CATEGORIES, _FRENCH_NPS)),
    }
)


@dataclass(frozen=True, slots=True)
class SegmentTerm:
    """`field op value`: a canonical choice name, the typed text, or a number (revenue in cents,
    p_alive a float, last_contact whole days)."""

    field: str
    op: str
    value: str | int | float

    def __str__(self) -> str:
        return f"{self.field} {self.op} {self._value_text()}"

    def _value_text(self) -> str:
        if self.field == "revenue":
            return cents_to_plain(int(self.value)).removesuffix(".00")
        if isinstance(self.value, int | float):
            return repr(self.value)
        return _quoted(self.value)

    def matches(self, row: Mapping[str, object]) -> bool:
        actual = row.get(ROW_KEYS[self.field])
        if self.field == "tag":
            tags = _tags_of(actual)
            if tags is None:
                return False
            return (fold(str(self.value)) in tags) == (self.op == "=")
        if actual is None or (isinstance(actual, str) and not actual.strip()):
            return False
        compare = _COMPARE[self.op]
        if self.field in CHOICE_FIELDS:
            return compare(_choice_key(str(actual)), _choice_key(str(self.value)))
        if self.field in TEXT_FIELDS:
            return compare(fold(str(actual)), fold(str(self.value)))
        return compare(actual, self.value)


@dataclass(frozen=True, slots=True)
class SegmentFilter:
    terms: tuple[SegmentTerm, ...]

    def __str__(self) -> str:
        return " and ".join(str(term) for term in self.terms)

    def matches(self, row: Mapping[str, object]) -> bool:
        """True when the row meets every term."""
        return all(term.matches(row) for term in self.terms)


def parse_segment(text: str) -> SegmentFilter:
    """The filter written in `text`; a SegmentError names what it could not read."""
    groups: list[list[tuple[str, str]]] = [[]]
    for kind, token in _tokens(text):
        if kind == "word" and token.casefold() in _CONJUNCTIONS:
            groups.append([])
        else:
            groups[-1].append((kind, token))
    if len(groups) == 1 and not groups[0]:
        raise SegmentError(_("the segment filter is empty (try: abc = A and stage = client)"))
    if any(not group for group in groups):
        raise SegmentError(_("'and' must join two terms"))
    return SegmentFilter(tuple(_term(group) for group in groups))


def validate_segment_name(name: str) -> str:
    """The name with its spaces tidied; empty, too long or control characters is an error."""
    tidy = " ".join(name.split())
    if not tidy:
        raise SegmentError(_("a segment name can't be empty"))
    if len(tidy) > SEGMENT_NAME_MAX:
        raise SegmentError(
            _("a segment name is at most {segment_name_max} characters").format(
                segment_name_max=SEGMENT_NAME_MAX
            )
        )
    if any(unicodedata.category(c).startswith("C") for c in tidy):
        raise SegmentError(
            _("a segment name can't hold control characters: {name!r}").format(name=name)
        )
    return tidy


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while text[position:].strip():
        match = _TOKEN.match(text, position)
        if match is None:
            rest = text[position:].strip()
            raise SegmentError(_("unclosed quote in {rest!r}").format(rest=rest))
        kind = match.lastgroup or "word"
        token = match[kind]
        tokens.append(("quoted" if kind in ("dq", "sq") else kind, token))
        position = match.end()
    return tokens


def _term(tokens: list[tuple[str, str]]) -> SegmentTerm:
    (kind, name), *rest = tokens
    field = name.casefold()
    if kind != "word" or field not in FIELDS:
        raise SegmentError(
            _("unknown field {name!r} (expected one of: {choices})").format(
                name=name, choices=", ".join(FIELDS)
            )
        )
    if not rest or rest[0][0] != "op":
        got = _(", got {token!r}").format(token=rest[0][1]) if rest else ""
        raise SegmentError(
            _("{field}: expected an operator ({choices}){got}").format(
                field=field, choices=" ".join(OPERATORS), got=got
            )
        )
    op, values = rest[0][1], rest[1:]
    if op not in OPERATORS:
        raise SegmentError(
            _("{field}: bad operator {op!r} (expected one of: {choices})").format(
                field=field, op=op, choices=" ".join(OPERATORS)
            )
        )
    if field not in NUMBER_FIELDS and op not in EQUALITY_OPERATORS:
        raise SegmentError(
            _("{field}: operator {op!r} does not apply (use = or !=)").format(field=field, op=op)
        )
    return SegmentTerm(field, op, _value(field, _value_text(field, values)))


def _value_text(field: str, values: list[tuple[str, str]]) -> str:
    if not values:
        raise SegmentError(_("{field}: missing value").format(field=field))
    if any(kind == "op" for kind, _ in values):
        extra = next(token for kind, token in values if kind == "op")
        raise SegmentError(
            _("{field}: unexpected {extra!r} in the value (quote it)").format(
                field=field, extra=extra
            )
        )
    if len(values) > 1 and any(kind == "quoted" for kind, _ in values):
        raise SegmentError(_("{field}: a quoted value must stand alone").format(field=field))
    text = " ".join(" ".join(token for _, token in values).split())
    if not text:
        raise SegmentError(_("{field}: empty value").format(field=field))
    return text


def _value(field: str, text: str) -> str | int | float:
    if field in _CHOICES:
        names, keys = _CHOICES[field]
        name = keys.get(_choice_key(text))
        if name is None:
            raise SegmentError(
                _("unknown {field} {text!r} (expected one of: {choices})").format(
                    field=field, text=text, choices=", ".join(names)
                )
            )
        return name
    if field == "revenue":
        try:
            return parse_money(text, "EUR")
        except MoneyError:
            reason = f"revenue: can't read {text!r} as euros (try: 10000, 10 000)"
            raise SegmentError(reason) from None
    if field == "p_alive":
        return _probability(text)
    if field == "last_contact":
        if not text.isascii() or not text.isdigit():
            raise SegmentError(
                _("last_contact: {text!r} is not a whole number of days").format(text=text)
            )
        return int(text)
    return text


def _probability(text: str) -> float:
    if not re.fullmatch(r"[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+", text):
        raise SegmentError(_("p_alive: {text!r} is not a number from 0 to 1").format(text=text))
    value = float(text.replace(",", "."))
    if not 0 <= value <= 1:
        raise SegmentError(_("p_alive: {text!r} is not a number from 0 to 1").format(text=text))
    return value


def _quoted(text: str) -> str:
    needs_quotes = (
        not text
        or text != " ".join(text.split())
        or " " in text
        or any(c in text for c in "<>!=\"'")
        or text.casefold() in _CONJUNCTIONS
    )
    if not needs_quotes:
        return text
    return f"'{text}'" if '"' in text else f'"{text}"'


def _tags_of(value: object) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, list | tuple | set | frozenset):
        parts = [str(part) for part in value]
    else:
        return None
    return frozenset(fold(part) for part in parts if part.strip())
