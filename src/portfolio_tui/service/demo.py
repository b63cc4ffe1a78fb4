"""A realistic, reproducible French B2B portfolio: the same seed gives the same data.

Clients get Pareto-like weights (a few make most of the revenue), sales follow the seasons,
prospects sit in every stage with their history, some clients were lost, a few came by
referral. It scales to 20,000 accounts and a million sales lines for the benchmarks."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from portfolio_tui.i18n import N_, gettext
from portfolio_tui.service.demo_deals import (
    DEAL_COLUMNS,
    DEAL_STAGE_COLUMNS,
    NEXT_ACTION_COLUMNS,
    DealRows,
    DemoDeals,
)
from portfolio_tui.store.ids import COUNTER_SPAN, uuid4_of, uuid7_of

ACTIVITIES = (
    "Boulangerie", "Transports", "Atelier", "Imprimerie", "Garage", "Menuiserie", "Clinique",
    "Laboratoire", "Pharmacie", "Hôtel", "Brasserie", "Cabinet", "Bureau d'études", "Chaudronnerie",
    "Plasturgie", "Fonderie", "Librairie", "Électricité", "Plomberie", "Logistique", "Fromagerie",
    "Domaine", "Agence", "Studio", "Serres", "Scierie", "Verrerie", "Textiles", "Mécanique",
    "Conserverie",
)  # fmt: skip
SURNAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc",
    "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément",
    "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin",
)  # fmt: skip
FIRST_NAMES = (
    "Camille", "Claire", "Julien", "Nicolas", "Sophie", "Thomas", "Marie", "Pierre", "Isabelle",
    "Antoine", "Nathalie", "Laurent", "Céline", "Olivier", "Sandrine", "Mathieu", "Aurélie",
    "Stéphane", "Émilie", "François", "Hélène", "Christophe", "Élodie", "Guillaume", "Léa",
)  # fmt: skip
LEGAL_FORMS = ("SARL", "SAS", "SA", "EURL", "& Fils", "Frères", "SASU", "")
CITIES = (
    ("Paris", "Île-de-France"), ("Lyon", "Auvergne-Rhône-Alpes"),
    ("Marseille", "Provence-Alpes-Côte d'Azur"), ("Toulouse", "Occitanie"),
    ("Nantes", "Pays de la Loire"), ("Bordeaux", "Nouvelle-Aquitaine"),
    ("Lille", "Hauts-de-France"), ("Strasbourg", "Grand Est"), ("Rennes", "Bretagne"),
    ("Grenoble", "Auvergne-Rhône-Alpes"), ("Montpellier", "Occitanie"),
    ("Nice", "Provence-Alpes-Côte d'Azur"), ("Dijon", "Bourgogne-Franche-Comté"),
    ("Rouen", "Normandie"), ("Tours", "Centre-Val de Loire"), ("Clermont-Ferrand",
    "Auvergne-Rhône-Alpes"), ("Angers", "Pays de la Loire"), ("Metz", "Grand Est"),
)  # fmt: skip
SECTORS = (
    "Industrie", "BTP", "Santé", "Commerce", "Transport", "Agroalimentaire", "Services",
    "Hôtellerie-Restauration", "Informatique", "Énergie",
)  # fmt: skip
SIZE_BANDS = ("TPE", "PME", "ETI", "GE")
ROLES = (
    "Gérant", "Directeur achats", "Responsable technique", "Comptable",
    "Assistante de direction", "Directrice générale", "Chef d'atelier", "Acheteuse",
)  # fmt: skip
PRODUCTS = {
    "Consommables": ("Cartouches", "Papier A4", "Étiquettes", "Gants nitrile"),
    "Équipement": ("Imprimante pro", "Scanner", "Poste de travail", 'Écran 27"'),
    "Maintenance": ("Contrat annuel", "Intervention sur site", "Télémaintenance"),
    "Logiciels": ("Licence ERP", "Licence CRM", "Module paie"),
    "Formation": ("Formation utilisateurs", "Formation administrateur"),
    "Pièces détachées": ("Kit de fusion", "Tambour", "Carte mère"),
}
TAGS = ("fidèle", "salon-2025", "appel-d-offres", "multi-sites", "export", "public", "vip")
# The demo's text, in English, written in the language current when it is generated: the
# French catalogue holds the French a rep reads (docs/glossary.md).
SUMMARIES = {
    "call": (
        N_("Review of the quarter's needs"), N_("Chasing the quote"), N_("Courtesy call"),
        N_("Follow-up on the last delivery"), N_("Presenting the new range"),
    ),
    "meeting": (N_("Annual account review"), N_("Product demo"), N_("Contract negotiation")),
    "email": (N_("Quote sent"), N_("Documentation sent"), N_("Order confirmation")),
    "visit": (N_("Site visit"), N_("Installation audit"), N_("Drop-in at the branch")),
    "note": (N_("New contact person"), N_("Budget approved for next year")),
}  # fmt: skip
OUTCOMES = (
    N_("Interested"), N_("Call back"), N_("Quote requested"), N_("No need"), N_("Order placed"),
    None,
)  # fmt: skip
FOLLOW_UP_TITLES = (
    N_("Call back about the quote"), N_("Send the proposal"), N_("Quarterly check-in"),
    N_("Chase the order"), N_("Offer a demo"), N_("Book a meeting"),
)  # fmt: skip
# Relative weight of each month in a year's sales: quiet August, busy before summer and year-end.
SEASON = (0.8, 0.9, 1.1, 1.0, 1.0, 1.2, 0.9, 0.4, 1.1, 1.1, 1.2, 1.3)
PROSPECT_STAGES = ("suspect", "cold", "warm", "hot")
EVERY_STAGE = ("client", "hot", "warm", "cold", "suspect", "lost")
TABLES_CHILDREN_FIRST = (
    "dealstagechange", "stagechange", "followup", "interaction", "sale", "deal", "product",
    "contact", "account",
)  # fmt: skip
FUNNEL = ("suspect", "cold", "warm", "hot", "client")

ACCOUNT_COLUMNS = (
    "id", "created_at", "updated_at", "device_id", "clocks", "name", "legal_id", "sector",
    "size_band", "city", "region", "source", "referred_by_id", "stage", "potential",
    "accessibility", "risk_level", "nps_score", "nps_date", "tags", "notes", "custom_fields",
)  # fmt: skip
CONTACT_COLUMNS = (
    "id", "created_at", "updated_at", "device_id", "clocks", "account_id", "name", "role",
    "email", "phone", "preferred_channel",
)  # fmt: skip
PRODUCT_COLUMNS = ("id", "created_at", "updated_at", "device_id", "clocks", "name", "family")
SALE_COLUMNS = (
    "id", "created_at", "updated_at", "device_id", "clocks", "account_id", "sold_on", "amount",
    "margin", "product_id", "order_ref", "quantity",
)  # fmt: skip
INTERACTION_COLUMNS = (
    "id", "created_at", "updated_at", "device_id", "clocks", "account_id", "contact_id", "kind",
    "occurred_at", "duration_minutes", "summary", "outcome",
)  # fmt: skip
FOLLOW_UP_COLUMNS = (
    "id", "created_at", "updated_at", "device_id", "clocks", "account_id", "contact_id",
    "title", "due_on", "due_at", "done_at", "outcome", "recurrence",
)  # fmt: skip
STAGE_COLUMNS = (
    "id", "created_at", "updated_at", "device_id", "clocks", "account_id", "from_stage",
    "to_stage", "at",
)  # fmt: skip


@dataclass
class DemoData:
    """Rows per table, as tuples in the column order of the *_COLUMNS constants."""

    accounts: list[tuple] = field(default_factory=list)
    contacts: list[tuple] = field(default_factory=list)
    products: list[tuple] = field(default_factory=list)
    sales: list[tuple] = field(default_factory=list)
    interactions: list[tuple] = field(default_factory=list)
    follow_ups: list[tuple] = field(default_factory=list)
    stage_changes: list[tuple] = field(default_factory=list)
    deals: DealRows = field(default_factory=DealRows)

    def tables(self) -> Iterator[tuple[str, tuple[str, ...], list[tuple]]]:
        yield "account", ACCOUNT_COLUMNS, self.accounts
        yield "contact", CONTACT_COLUMNS, self.contacts
        yield "product", PRODUCT_COLUMNS, self.products
        yield "sale", SALE_COLUMNS, self.sales
        yield "interaction", INTERACTION_COLUMNS, self.interactions
        yield "followup", FOLLOW_UP_COLUMNS, self.follow_ups
        yield "stagechange", STAGE_COLUMNS, self.stage_changes
        yield "deal", DEAL_COLUMNS, self.deals.deals
        yield "dealstagechange", DEAL_STAGE_COLUMNS, self.deals.moves
        yield "followup", NEXT_ACTION_COLUMNS, self.deals.next_actions


def _translated(text: str | None) -> str | None:
    """`text` in the current language; None (no outcome) stays None."""
    return None if text is None else gettext(text)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class _Generator:
    def __init__(self, seed: int, today: date, now: datetime, device_id: str, years: int):
        self.rng = random.Random(seed)
        self.today = today
        self.years = years
        self.stamp = now.replace(tzinfo=None).isoformat(sep=" ")
        self.clock_ms = int(now.timestamp() * 1000)
        self.sales_made = 0
        self.device_id = device_id
        self.data = DemoData()
        self.names: set[str] = set()
        self.deals = DemoDeals(seed, today, self.stamp, device_id, PRODUCTS)

    def new_id(self) -> str:
        return uuid4_of(self.rng.getrandbits(128))

    def meta(self) -> tuple:
        return (self.new_id(), self.stamp, self.stamp, self.device_id, "{}")

    def sale_meta(self) -> tuple:
        """A sale's bookkeeping: its id time-ordered (UUIDv7, from the demo's clock and a
        counter), so a million sales append to the table's primary key instead of landing
        on random pages of it; the same random draw as any other id, so the seed gives the
        same book."""
        n, self.sales_made = self.sales_made, self.sales_made + 1
        ms = self.clock_ms + n // COUNTER_SPAN
        row_id = uuid7_of(ms, n % COUNTER_SPAN, self.rng.getrandbits(128))
        return (row_id, self.stamp, self.stamp, self.device_id, "{}")

    def company_name(self) -> str:
        rng = self.rng
        while True:
            name = f"{rng.choice(ACTIVITIES)} {rng.choice(SURNAMES)}"
            form = rng.choice(LEGAL_FORMS)
            name = f"{name} {form}".strip()
            if name in self.names:
                name = f"{name} ({rng.choice(CITIES)[0]})"
            if name in self.names:
                name = f"{name} {len(self.names)}"
            if name not in self.names:
                self.names.add(name)
                return name

    def at(self, day: date, hour_low: int = 8, hour_high: int = 18, *, past: bool = True) -> str:
        """A time of day on `day`; what already happened is moved off today, whose hours may
        still be ahead of the clock."""
        if past and day >= self.today:
            day = self.today - timedelta(days=1)
        moment = datetime.combine(day, time(self.rng.randint(hour_low, hour_high - 1)))
        moment += timedelta(minutes=self.rng.choice((0, 15, 30, 45)))
        return moment.isoformat(sep=" ")

    def products(self) -> list[tuple[str, str, int]]:
        """(product id, family, typical unit price in cents)."""
        catalogue = []
        for family, names in PRODUCTS.items():
            for name in names:
                row = (*self.meta(), name, family)
                self.data.products.append(row)
                price = self.rng.choice((4_000, 12_000, 35_000, 90_000, 250_000))
                catalogue.append((row[0], family, price))
        return catalogue

    def generate(
        self, n_accounts: int, sales_per_client_year: float, chunk: int
    ) -> Iterator[DemoData]:
        rng = self.rng
        catalogue = self.products()
        start = self.today - relativedelta(years=self.years)
        clients: list[str] = []
        for i in range(n_accounts):
            account_id = self.new_id()
            city, region = rng.choice(CITIES)
            roll = rng.random()
            stage = (
                "client" if roll < 0.55 else "lost" if roll < 0.63
                else PROSPECT_STAGES[int((roll - 0.63) / 0.37 * 4)]
            )  # fmt: skip
            if n_accounts >= len(EVERY_STAGE) and i < len(EVERY_STAGE):
                stage = EVERY_STAGE[i]  # so that even a small demo shows every stage
            name = self.company_name()
            weight = min(rng.paretovariate(1.2), 60.0)
            potential = int(weight * rng.uniform(8_000, 30_000)) * 100
            source = rng.choices(
                ("inbound", "outbound", "referral", "event", "other"), (3, 4, 1, 2, 1)
            )[0]
            referred_by = rng.choice(clients) if source == "referral" and clients else None
            if referred_by is None and source == "referral":
                source = "other"
            nps = rng.randint(3, 10) if stage == "client" and rng.random() < 0.5 else None
            tags = ",".join(sorted(set(rng.sample(TAGS, rng.choice((0, 0, 1, 1, 2))))))
            legal_id = f"{rng.randint(100, 999)}{rng.randint(100, 999)}{rng.randint(100, 999)}" + (
                f"{rng.randint(0, 99999):05d}"
            )
            self.data.accounts.append(
                (
                    account_id, self.stamp, self.stamp, self.device_id, "{}", name, legal_id,
                    rng.choice(SECTORS), rng.choices(SIZE_BANDS, (5, 4, 2, 1))[0], city, region,
                    source, referred_by, stage, potential, rng.randint(1, 5),
                    rng.choices(("low", "medium", "high"), (6, 3, 1))[0], nps,
                    (self.today - timedelta(days=rng.randint(10, 300))).isoformat()
                    if nps is not None else None,
                    tags, "", "{}",
                )
            )  # fmt: skip
            contacts = self.contacts(account_id, name)
            if stage in ("client", "lost"):
                clients.append(account_id)
            first, busy_until = self.history_and_sales(
                account_id, stage, weight, catalogue, sales_per_client_year, start
            )
            self.interactions(account_id, contacts, stage, busy_until, weight)
            self.follow_ups(account_id, contacts, stage, i)
            self.deals.for_account(account_id, stage, first, busy_until)
            if (i + 1) % chunk == 0:
                yield self._with_deals()
                self.data = DemoData()
        yield self._with_deals()

    def history_and_sales(
        self, account_id: str, stage: str, weight: float, catalogue, per_year: float, start: date
    ) -> tuple[date, date]:
        """The account's stage history and sales; returns when it was worked (first, last).
        Clients buy from a start day to the end (lost ones stop early); prospects never."""
        rng = self.rng
        if stage not in ("client", "lost"):
            self.stage_history(
                account_id, stage, self.today - timedelta(days=rng.randint(5, 400)), None
            )
            return self.today - timedelta(days=400), self.today
        span_days = (self.today - start).days
        first = start + timedelta(days=int(rng.random() ** 2 * span_days * 0.9))
        if stage == "lost":
            last = first + timedelta(days=rng.randint(60, max(61, (self.today - first).days - 200)))
            last = min(last, self.today - timedelta(days=200))
            last = max(last, first)
        else:
            last = self.today
        self.stage_history(account_id, stage, first - timedelta(days=rng.randint(20, 200)), last)
        self.sales(account_id, weight, first, last, catalogue, per_year)
        return first, last

    def _with_deals(self) -> DemoData:
        self.data.deals = self.deals.take()
        return self.data

    def contacts(self, account_id: str, company: str) -> list[str]:
        rng = self.rng
        domain = "".join(ch for ch in _ascii(company.split(" (")[0]) if ch.isalnum())[:20] + ".fr"
        ids = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            row = (
                *self.meta(), account_id, f"{first} {last}", rng.choice(ROLES),
                f"{_ascii(first)}.{_ascii(last)}@{domain}",
                f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)}",
                rng.choice(("phone", "email", "phone", "visit")),
            )  # fmt: skip
            self.data.contacts.append(row)
            ids.append(row[0])
        return ids

    def stage_history(self, account_id: str, stage: str, since: date, lost_on: date | None):
        rng = self.rng
        path = FUNNEL[: FUNNEL.index("client" if stage == "lost" else stage) + 1]
        # A prospect may have entered the funnel part-way (a warm referral, say).
        skip = rng.choice((0, 0, 1)) if len(path) > 2 else 0
        path = path[skip:]
        day = since
        previous = None
        for step in path:
            self.data.stage_changes.append((*self.meta(), account_id, previous, step, self.at(day)))
            previous = step
            day = min(day + timedelta(days=rng.randint(7, 60)), self.today)
        if stage == "lost" and lost_on is not None:
            when = min(lost_on + timedelta(days=rng.randint(90, 180)), self.today)
            self.data.stage_changes.append(
                (*self.meta(), account_id, "client", "lost", self.at(when))
            )

    def sales(self, account_id, weight, first, last, catalogue, per_year):
        rng = self.rng
        days = max(1, (last - first).days)
        orders = max(1, int(per_year * days / 365 * (0.3 + weight**0.5) / 2.2 / 1.8))
        favourites = rng.sample(catalogue, rng.randint(2, 6))
        for order_no in range(1, orders + 1):
            while True:
                day = first + timedelta(days=rng.randrange(days + 1))
                if rng.random() < SEASON[day.month - 1] / 1.3:
                    break
            ref = (
                f"CMD-{day.year}-{account_id[:6].upper()}-{order_no:04d}"
                if rng.random() < 0.9
                else None
            )
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                product_id, _family, price = rng.choice(favourites)
                quantity = rng.choice((1, 1, 2, 3, 5, 10))
                amount = int(price * quantity * weight**0.4 * rng.uniform(0.7, 1.3))
                margin = int(amount * rng.uniform(0.12, 0.45))
                self.data.sales.append(
                    (*self.sale_meta(), account_id, day.isoformat(), amount, margin, product_id,
                     ref, float(quantity))
                )  # fmt: skip

    def interactions(self, account_id, contacts, stage, until: date, weight: float):
        rng = self.rng
        if stage == "suspect":
            count = rng.choice((0, 1))
        else:
            # Big accounts are worked more, and more recently, than small ones.
            count = rng.choice((0, 2, 4, 8, 12, 20, 30)) + int(min(weight, 10) * 2)
        spread = 2.5 if weight > 3 else 1.5
        for _ in range(count):
            kind = rng.choices(("call", "meeting", "email", "visit", "note"), (5, 2, 3, 1, 1))[0]
            back = int(rng.random() ** spread * 365 * 2)
            day = until - timedelta(days=back)
            self.data.interactions.append(
                (
                    *self.meta(), account_id, rng.choice(contacts) if contacts else None, kind,
                    self.at(day), rng.choice((5, 10, 15, 30, 60)) if kind != "note" else None,
                    gettext(rng.choice(SUMMARIES[kind])), _translated(rng.choice(OUTCOMES)),
                )
            )  # fmt: skip

    def follow_ups(self, account_id, contacts, stage, index):
        rng = self.rng
        if stage == "lost" or rng.random() > 0.45:
            return
        day = self.today + timedelta(days=rng.randint(-12, 20))
        timed = rng.random() < 0.5
        due_at = self.at(day, 9, 17, past=False) if timed else None
        recurrence = "FREQ=MONTHLY" if index % 17 == 0 else None
        self.data.follow_ups.append(
            (
                *self.meta(), account_id, rng.choice(contacts) if contacts else None,
                gettext(rng.choice(FOLLOW_UP_TITLES)), day.isoformat(), due_at, None, None,
                recurrence,
            )
        )  # fmt: skip


def generate(
    *,
    accounts: int,
    years: int,
    seed: int,
    today: date,
    now: datetime,
    device_id: str,
    sales_per_client_year: float = 48.0,
    chunk: int = 500,
) -> Iterator[DemoData]:
    """The demo portfolio as rows, `chunk` accounts at a time so that a large portfolio is
    never held in memory whole. `now` (naive UTC) stamps created/updated times."""
    return _Generator(seed, today, now, device_id, years).generate(
        accounts, sales_per_client_year, chunk
    )
