"""The names of the domain's values as people read them, in the current language.

The domain keeps stable English keys (`"warm"`, `"Need Attention"`, `"no_budget"`); these
functions give the label for a screen or a report, with the French of docs/glossary.md.
Each family has its own gettext context, so the same English word can take two French ones:
an account is "Perdu", a deal (une affaire) "Perdue".
"""

from __future__ import annotations

from functools import cache

from portfolio_tui.i18n import (
    current_language,
    field_error,
    field_label,
    ngettext,
    npgettext,
    pgettext,
)
from portfolio_tui.i18n.formats import number

__all__ = [
    "accounts_count",
    "deal_stage_label",
    "field_error",
    "field_label",
    "interaction_kind_label",
    "kind_word",
    "lost_reason_label",
    "risk_label",
    "segment_label",
    "stage_label",
    "stage_move_text",
    "stage_word",
    "table_name",
    "table_rows",
    "timeline_text",
    "window_label",
]


def stage_label(stage: str) -> str:
    """An account's stage (`domain.stages.Stage`): "warm" → "Warm" / "Tiède"."""
    return _stage_labels(current_language())[stage]


@cache
def _stage_labels(_language: str) -> dict[str, str]:
    """The labels in the current language (`_language`: the cache's key; a table prints one
    per row)."""
    return {
        "suspect": pgettext("account stage", "Suspect"),
        "cold": pgettext("account stage", "Cold"),
        "warm": pgettext("account stage", "Warm"),
        "hot": pgettext("account stage", "Hot"),
        "client": pgettext("account stage", "Client"),
        "lost": pgettext("account stage", "Lost"),
    }


def stage_move_text(from_stage: str | None, to_stage: str) -> str:
    """A stage change on the timeline: "warm → hot" / "tiède → chaud", "created as suspect" /
    "créé comme suspect" (lower case: it reads as a sentence in the timeline's column)."""
    target = _lower_label(to_stage)
    if not from_stage:
        return pgettext("timeline", "created as {stage}").format(stage=target)
    return f"{_lower_label(from_stage)} → {target}"


def timeline_text(kind: str, text: str) -> str:
    """A timeline entry's text as shown: a stage change, which the service writes with the
    stages' keys ("warm → hot", "created as suspect", the same in JSON in every language), in
    the current language; any other entry's text as it is (the rep's own words)."""
    if kind != "stage":
        return text
    if text.startswith("created as "):
        return stage_move_text(None, text.removeprefix("created as "))
    before, arrow, after = text.partition(" → ")
    return stage_move_text(before, after) if arrow else text


def _lower_label(stage: str) -> str:
    label = stage_label(stage) if stage in _ACCOUNT_STAGES else stage
    return label[:1].lower() + label[1:]


_ACCOUNT_STAGES = frozenset({"suspect", "cold", "warm", "hot", "client", "lost"})


def deal_stage_label(stage: str) -> str:
    """A deal's stage (`domain.deals.DealStage`): "won" → "Won" / "Gagnée"."""
    return _deal_stage_labels(current_language())[stage]


@cache
def _deal_stage_labels(_language: str) -> dict[str, str]:
    """As `_stage_labels`."""
    return {
        "qualification": pgettext("deal stage", "Qualification"),
        "proposal": pgettext("deal stage", "Proposal"),
        "negotiation": pgettext("deal stage", "Negotiation"),
        "won": pgettext("deal stage", "Won"),
        "lost": pgettext("deal stage", "Lost"),
    }


def lost_reason_label(reason: str) -> str:
    """A lost deal's reason: the defaults translated ("no_budget" → "Pas de budget"); a reason
    the rep defined is their own text and comes back as it is."""
    labels = {
        "price": pgettext("lost reason", "Price"),
        "competitor": pgettext("lost reason", "Competitor"),
        "timing": pgettext("lost reason", "Timing"),
        "no_budget": pgettext("lost reason", "No budget"),
        "no_decision": pgettext("lost reason", "No decision"),
        "other": pgettext("lost reason", "Other"),
    }
    return labels.get(reason, reason)


def interaction_kind_label(kind: str) -> str:
    """An interaction's kind (`domain.account_fields.INTERACTION_KINDS`): "call" → "Appel"."""
    labels = {
        "call": pgettext("interaction kind", "Call"),
        "meeting": pgettext("interaction kind", "Meeting"),
        "email": pgettext("interaction kind", "Email"),
        "visit": pgettext("interaction kind", "Visit"),
        "note": pgettext("interaction kind", "Note"),
    }
    return labels[kind]


def segment_label(segment: str) -> str:
    """An RFM segment (`domain.rfm.SEGMENTS`): "Need Attention" → "À surveiller"."""
    labels = {
        "Champions": pgettext("RFM segment", "Champions"),
        "Loyal": pgettext("RFM segment", "Loyal"),
        "Potential Loyalists": pgettext("RFM segment", "Potential Loyalists"),
        "New Customers": pgettext("RFM segment", "New Customers"),
        "Promising": pgettext("RFM segment", "Promising"),
        "Need Attention": pgettext("RFM segment", "Need Attention"),
        "About to Sleep": pgettext("RFM segment", "About to Sleep"),
        "At Risk": pgettext("RFM segment", "At Risk"),
        "Can't Lose Them": pgettext("RFM segment", "Can't Lose Them"),
        "Hibernating": pgettext("RFM segment", "Hibernating"),
    }
    return labels[segment]


def accounts_count(count: int) -> str:
    """ "1 234 comptes", "1 compte", "0 compte" (French: 0 is singular) / "0 accounts"."""
    template = ngettext("{count} account", "{count} accounts", count)
    return template.format(count=number(count))


def table_rows(table: str, count: int) -> str:
    """Rows of one table in a summary ("12 sale" in English, which names the table as the
    database does; "12 ventes" in French). An unknown table keeps its name."""
    if current_language() == "en":
        return f"{count} {table}"
    forms = {
        "account": npgettext("table rows", "{count} account", "{count} accounts", count),
        "contact": npgettext("table rows", "{count} contact", "{count} contacts", count),
        "product": npgettext("table rows", "{count} product", "{count} products", count),
        "sale": npgettext("table rows", "{count} sale", "{count} sales", count),
        "interaction": npgettext(
            "table rows", "{count} interaction", "{count} interactions", count
        ),
        "followup": npgettext("table rows", "{count} follow-up", "{count} follow-ups", count),
        "stagechange": npgettext(
            "table rows", "{count} stage change", "{count} stage changes", count
        ),
        "segment": npgettext("table rows", "{count} segment", "{count} segments", count),
        "deal": npgettext("table rows", "{count} deal", "{count} deals", count),
        "dealstagechange": npgettext(
            "table rows", "{count} deal stage change", "{count} deal stage changes", count
        ),
    }
    return forms[table].format(count=number(count)) if table in forms else f"{count} {table}"


def window_label(label: str) -> str:
    """A sales window as shown ("12m" / "12 mois", "all" / "tout"); its label (`Window.label`)
    stays the setting's and the JSON's, the same in every language."""
    if label == "all":
        return pgettext("sales window", "all")
    months = label.removesuffix("m")
    if months.isdecimal():
        return pgettext("sales window", "{months}m").format(months=months)
    return label


def risk_label(risk: str) -> str:
    """An account's risk level (`domain.account_fields.RISK_LEVELS`): "low" → "faible"; a value
    not among them comes back as it is."""
    labels = {
        "low": pgettext("risk level", "low"),
        "medium": pgettext("risk level", "medium"),
        "high": pgettext("risk level", "high"),
    }
    return labels.get(risk, risk)


def source_label(source: str) -> str:
    """Where an account came from (`domain.account_fields.SOURCES`): "referral" →
    "recommandation", as a rep types it back; a value not among them comes back as it is."""
    labels = {
        "inbound": pgettext("account source", "inbound"),
        "outbound": pgettext("account source", "outbound"),
        "referral": pgettext("account source", "referral"),
        "event": pgettext("account source", "event"),
        "other": pgettext("account source", "other"),
    }
    return labels.get(source, source)


def table_name(table: str) -> str:
    """A database table as a sync report names it: its name in English ("stagechange"), what
    it holds in French ("changement d’étape"). An unknown table keeps its name."""
    if current_language() == "en":
        return table
    names = {
        "account": pgettext("table", "account"),
        "contact": pgettext("table", "contact"),
        "product": pgettext("table", "product"),
        "sale": pgettext("table", "sale"),
        "interaction": pgettext("table", "interaction"),
        "followup": pgettext("table", "follow-up"),
        "stagechange": pgettext("table", "stage change"),
        "segment": pgettext("table", "segment"),
        "deal": pgettext("table", "deal"),
        "dealstagechange": pgettext("table", "deal stage change"),
    }
    return names.get(table, table)


def stage_word(stage: str) -> str:
    """An account stage inside a sentence, lower case: "warm" / "tiède"; unknown: as it is."""
    return stage_label(stage).lower() if stage in _ACCOUNT_STAGES else stage


def kind_word(kind: str) -> str:
    """An interaction kind inside a sentence, lower case: "call" / "appel"; unknown: as it is."""
    try:
        return interaction_kind_label(kind).lower()
    except KeyError:
        return kind
