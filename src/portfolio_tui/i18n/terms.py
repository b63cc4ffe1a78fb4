"""The names of the domain's values as people read them, in the current language.

The domain keeps stable English keys (`"warm"`, `"Need Attention"`, `"no_budget"`); these
functions give the label for a screen or a report, with the French of docs/glossary.md.
Each family has its own gettext context, so the same English word can take two French ones:
an account is "Perdu", a deal (une affaire) "Perdue".
"""

from __future__ import annotations

from portfolio_tui.i18n import N_, gettext, ngettext, pgettext
from portfolio_tui.i18n.formats import number

__all__ = [
    "accounts_count",
    "deal_stage_label",
    "field_error",
    "field_label",
    "interaction_kind_label",
    "lost_reason_label",
    "segment_label",
    "stage_label",
    "stage_move_text",
]


def stage_label(stage: str) -> str:
    """An account's stage (`domain.stages.Stage`): "warm" → "Warm" / "Tiède"."""
    labels = {
        "suspect": pgettext("account stage", "Suspect"),
        "cold": pgettext("account stage", "Cold"),
        "warm": pgettext("account stage", "Warm"),
        "hot": pgettext("account stage", "Hot"),
        "client": pgettext("account stage", "Client"),
        "lost": pgettext("account stage", "Lost"),
    }
    return labels[stage]


def stage_move_text(from_stage: str | None, to_stage: str) -> str:
    """A stage change on the timeline: "warm → hot" / "tiède → chaud", "created as suspect" /
    "créé comme suspect" (lower case: it reads as a sentence in the timeline's column)."""
    target = _lower_label(to_stage)
    if not from_stage:
        return pgettext("timeline", "created as {stage}").format(stage=target)
    return f"{_lower_label(from_stage)} → {target}"


def _lower_label(stage: str) -> str:
    label = stage_label(stage) if stage in _ACCOUNT_STAGES else stage
    return label[:1].lower() + label[1:]


_ACCOUNT_STAGES = frozenset({"suspect", "cold", "warm", "hot", "client", "lost"})


def deal_stage_label(stage: str) -> str:
    """A deal's stage (`domain.deals.DealStage`): "won" → "Won" / "Gagnée"."""
    labels = {
        "qualification": pgettext("deal stage", "Qualification"),
        "proposal": pgettext("deal stage", "Proposal"),
        "negotiation": pgettext("deal stage", "Negotiation"),
        "won": pgettext("deal stage", "Won"),
        "lost": pgettext("deal stage", "Lost"),
    }
    return labels[stage]


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


# The fields a rep types in (forms, CLI flags, spreadsheet columns) as an error names them:
# lower case, like the English source names them ("sold on: must not be empty").
_FIELDS = {
    "account": N_("account"),
    "accessibility": N_("accessibility"),
    "amount": N_("amount"),
    "at": N_("when"),
    "city": N_("city"),
    "close": N_("closes"),
    "contact_email": N_("contact email"),
    "contact_name": N_("contact name"),
    "contact_phone": N_("contact phone"),
    "contact_role": N_("contact role"),
    "due": N_("due"),
    "duration": N_("duration"),
    "email": N_("email"),
    "family": N_("family"),
    "kind": N_("kind"),
    "legal_id": N_("legal id"),
    "lost_reason": N_("lost reason"),
    "margin": N_("margin"),
    "name": N_("name"),
    "next_due": N_("next due"),
    "next_title": N_("next title"),
    "notes": N_("notes"),
    "nps_date": N_("nps date"),
    "nps_score": N_("nps score"),
    "order_ref": N_("order ref"),
    "outcome": N_("outcome"),
    "phone": N_("phone"),
    "potential": N_("potential"),
    "preferred_channel": N_("preferred channel"),
    "probability": N_("probability"),
    "reason": N_("reason"),
    "referred_by": N_("referred by"),
    "region": N_("region"),
    "risk_level": N_("risk level"),
    "role": N_("role"),
    "sector": N_("sector"),
    "size_band": N_("size band"),
    "sold_on": N_("sold on"),
    "source": N_("source"),
    "stage": N_("stage"),
    "summary": N_("summary"),
    "tags": N_("tags"),
    "title": N_("title"),
    "until": N_("until"),
}


def field_label(field: str) -> str:
    """A field's name in an error: "sold_on" → "sold on" / "date de vente"; a field not listed
    keeps its key, underscores read as spaces."""
    name = _FIELDS.get(field)
    return gettext(name) if name else field.replace("_", " ")


def field_error(field: str, message: str) -> str:
    """ "sold on: must not be empty" / "date de vente : ne doit pas être vide"."""
    # TRANSLATORS: a field's name, then what is wrong with it (French: U+202F before ":")
    return gettext("{field}: {message}").format(field=field_label(field), message=message)
