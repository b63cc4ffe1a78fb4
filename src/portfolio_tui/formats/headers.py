"""Column headers people use, in English and French, for each kind of import, and the French
words for a few field values (origins, stages, interaction kinds).

Headers are compared normalised: case, accents, punctuation and spacing ignored, so
"N° de commande", "n de commande" and "N°_de_commande" are the same header.
"""

from __future__ import annotations

import re
import unicodedata

from portfolio_tui.domain.records import FIGURE_NAMES

# A custom field of an account is written `custom:KEY` (in --map and in our own exports).
CUSTOM_PREFIX = "custom:"


def normalise(text: str) -> str:
    text = text.replace("\ufeff", "").replace("°", "o").replace("º", "o")
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _aliases(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """{normalised header: field}, each field also known by its own name."""
    found: dict[str, str] = {}
    for field, names in table.items():
        for name in (field, *names):
            key = normalise(name)
            if found.get(key, field) != field:
                raise AssertionError(f"header {name!r} means both {found[key]} and {field}")
            found[key] = field
    return found


_ID = ("identifiant", "uuid")
_ACCOUNT_ID = ("account id", "id compte", "id du compte", "id client")
_ACCOUNT_REF = (
    "company",
    "company name",
    "customer",
    "customer name",
    "client",
    "nom du client",
    "société",
    "raison sociale",
    "entreprise",
    "compte",
    "organisation",
    "organization",
    "org",
)

ACCOUNTS = _aliases(
    {
        "id": _ID,
        "name": (
            "account",
            "account name",
            "company",
            "company name",
            "raison sociale",
            "société",
            "nom de la société",
            "entreprise",
            "nom",
            "organisation",
            "organization",
            "compte",
            "nom du compte",
        ),
        "legal_id": (
            "legal id",
            "siret",
            "siren",
            "vat",
            "vat number",
            "tva",
            "n° tva",
            "numéro de tva",
            "tva intracommunautaire",
            "company number",
        ),
        "sector": ("secteur", "secteur d'activité", "industry", "activité"),
        "size_band": ("size", "taille", "effectif", "tranche d'effectif", "headcount"),
        "city": ("ville", "town", "commune"),
        "region": ("région", "state"),
        "source": ("origine", "origin", "lead source", "provenance"),
        "stage": ("étape", "stade", "statut", "status"),
        "potential": ("potentiel",),
        "accessibility": ("accessibilité",),
        "risk_level": ("risk", "risque", "niveau de risque"),
        "nps_score": ("nps", "score nps"),
        "nps_date": ("date nps", "date du nps"),
        "tags": ("étiquettes", "labels", "mots-clés"),
        "notes": ("note", "commentaire", "commentaires", "comments", "remarques"),
        "referred_by": ("recommandé par", "parrain", "apporteur", "referrer"),
        CUSTOM_PREFIX + "address": ("address", "adresse", "rue", "street"),
        CUSTOM_PREFIX + "postal_code": ("postal code", "code postal", "cp", "zip", "postcode"),
        CUSTOM_PREFIX + "country": ("country", "pays"),
    }
)
# Columns our own accounts export adds (figures computed from sales): read back, ignored.
ACCOUNTS_DERIVED = frozenset(normalise(h) for h in FIGURE_NAMES)
# "Chiffre d'affaires 2025", "CA 2024", "Revenue 2025": a yearly figure of an account, kept
# as the custom field revenue_YYYY (the sales themselves are what the analytics read).
YEARLY_REVENUE = re.compile(
    r"^(?:chiffre d affaires|ca|revenue|turnover|sales)(?: (?:en|in))? (\d{4})$"
)

CONTACTS = _aliases(
    {
        "id": (*_ID, "contact id"),
        "account_id": _ACCOUNT_ID,
        "account": _ACCOUNT_REF,
        "name": ("full name", "nom complet", "contact", "display name", "nom et prénom"),
        "last_name": ("nom", "last name", "surname", "family name", "nom de famille"),
        "first_name": ("prénom", "first name", "given name", "firstname"),
        "role": ("title", "job title", "fonction", "poste", "titre"),
        "email": ("e-mail", "mail", "courriel", "email address", "adresse e-mail", "adresse mail"),
        "phone": (
            "téléphone",
            "tel",
            "tél",
            "mobile",
            "portable",
            "phone number",
            "numéro de téléphone",
        ),
        "preferred_channel": ("channel", "canal", "canal préféré"),
    }
)

SALES = _aliases(
    {
        "id": (*_ID, "sale id"),
        "account_id": _ACCOUNT_ID,
        "account": _ACCOUNT_REF,
        "date": (
            "sold on",
            "date de vente",
            "date de facture",
            "date facture",
            "invoice date",
            "order date",
            "date de commande",
        ),
        "amount": (
            "montant",
            "montant ht",
            "total",
            "total ht",
            "chiffre d'affaires",
            "ca",
            "ca ht",
            "revenue",
            "sales",
            "net amount",
        ),
        "margin": ("marge", "marge ht", "marge brute", "gross margin"),
        "product": ("produit", "article", "désignation", "item", "libellé"),
        "family": (
            "famille",
            "product family",
            "famille de produit",
            "gamme",
            "catégorie",
            "category",
        ),
        "order_ref": (
            "order",
            "order ref",
            "order number",
            "commande",
            "n° de commande",
            "n° commande",
            "numéro de commande",
            "invoice",
            "invoice number",
            "facture",
            "n° de facture",
            "numéro de facture",
        ),
        "quantity": ("quantité", "qté", "qty", "qte"),
    }
)

INTERACTIONS = _aliases(
    {
        "id": (*_ID, "interaction id"),
        "account_id": _ACCOUNT_ID,
        "account": _ACCOUNT_REF,
        "contact": ("contact name", "interlocuteur", "person", "personne"),
        "kind": ("type", "nature", "channel", "canal"),
        "date": ("occurred at", "occurred_at", "when", "date et heure", "le"),
        "time": ("heure", "hour"),
        "duration": ("duration_minutes", "durée", "durée (min)", "minutes", "duration (min)"),
        "summary": (
            "résumé",
            "sujet",
            "subject",
            "objet",
            "description",
            "compte rendu",
            "compte-rendu",
        ),
        "outcome": ("résultat", "result", "suite", "suite donnée"),
    }
)

DEALS = _aliases(
    {
        "id": (*_ID, "deal id", "id affaire"),
        "account_id": _ACCOUNT_ID,
        "account": _ACCOUNT_REF,
        "title": ("intitulé", "titre", "affaire", "opportunité", "deal", "nom de l'affaire"),
        "amount": ("montant", "montant ht", "valeur", "value", "deal value"),
        "probability": ("probabilité", "proba", "probability %", "probabilité %"),
        "stage": ("étape", "phase", "statut", "status", "deal stage"),
        "created": ("créée le", "créé le", "date de création", "created on", "created_on"),
        "expected_close": (
            "clôture prévue",
            "date de clôture prévue",
            "close date",
            "expected close date",
            "expected close",
            "closing date",
        ),
        "closed": ("clôturée le", "clôturé le", "closed on", "closed_on", "date de clôture"),
        "lost_reason": ("motif de perte", "raison de la perte", "loss reason", "lost reason"),
        "family": ("famille", "product family", "famille de produit", "gamme"),
        "notes": ("commentaire", "commentaires", "remarques"),
    }
)


# --- values --------------------------------------------------------------------------------

SOURCE_WORDS = {
    normalise(k): v
    for k, v in {
        "prospection": "outbound",
        "démarchage": "outbound",
        "phoning": "outbound",
        "site web": "inbound",
        "site internet": "inbound",
        "web": "inbound",
        "website": "inbound",
        "entrant": "inbound",
        "recommandation": "referral",
        "parrainage": "referral",
        "bouche à oreille": "referral",
        "salon": "event",
        "événement": "event",
        "evenement": "event",
        "conférence": "event",
        "trade show": "event",
        "autre": "other",
    }.items()
}

STAGE_WORDS = {
    normalise(k): v
    for k, v in {
        "froid": "cold",
        "tiède": "warm",
        "chaud": "hot",
        "perdu": "lost",
        "prospect": "suspect",
        "client": "client",
        "customer": "client",
    }.items()
}

KIND_WORDS = {
    normalise(k): v
    for k, v in {
        "call": "call",
        "appel": "call",
        "téléphone": "call",
        "phone": "call",
        "tel": "call",
        "meeting": "meeting",
        "rendez-vous": "meeting",
        "rdv": "meeting",
        "réunion": "meeting",
        "rencontre": "meeting",
        "email": "email",
        "e-mail": "email",
        "mail": "email",
        "courriel": "email",
        "visit": "visit",
        "visite": "visit",
        "note": "note",
    }.items()
}
