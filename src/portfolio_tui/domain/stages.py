"""The prospect-to-client funnel and the rules for moving along it."""

from __future__ import annotations

from enum import StrEnum

from portfolio_tui.i18n import _


class Stage(StrEnum):
    SUSPECT = "suspect"
    COLD = "cold"
    WARM = "warm"
    HOT = "hot"
    CLIENT = "client"
    LOST = "lost"


# The order a prospect travels; `lost` sits outside it.
FUNNEL: tuple[Stage, ...] = (Stage.SUSPECT, Stage.COLD, Stage.WARM, Stage.HOT, Stage.CLIENT)
PROSPECT_STAGES: tuple[Stage, ...] = FUNNEL[:-1]
# Why a prospect is lost; the rep adds their own in the settings (`lost_reasons`).
LOST_REASONS: tuple[str, ...] = (
    "price",
    "competitor",
    "no_need",
    "no_budget",
    "timing",
    "unreachable",
    "other",
)
# Other words for a stage: the board says "won" for the funnel's last stage.
# French stage names (docs/glossary.md), with and without accents, and "won" for client.
_ALIASES = {
    "won": "client",
    "gagne": "client",
    "gagné": "client",
    "perdu": "lost",
    "froid": "cold",
    "tiède": "warm",
    "tiede": "warm",
    "chaud": "hot",
}


class StageError(ValueError):
    pass


def parse_stage(text: str) -> Stage:
    """A stage by name, case-blind; "won" is the client stage."""
    word = text.strip().lower()
    try:
        return Stage(_ALIASES.get(word, word))
    except ValueError:
        choices = ", ".join([*(s.value for s in Stage), "won"])
        raise StageError(
            _("unknown stage {text!r} (expected one of: {choices})").format(
                text=text, choices=choices
            )
        ) from None


def stage_label(stage: str) -> str:
    """The word shown for a stage: the funnel's last stage reads "won" everywhere."""
    return "won" if stage == Stage.CLIENT.value else stage


def next_stage(stage: Stage) -> Stage | None:
    """The stage one step forward in the funnel, or None at the end (or when lost)."""
    if stage not in FUNNEL:
        return None
    i = FUNNEL.index(stage)
    return FUNNEL[i + 1] if i + 1 < len(FUNNEL) else None


def previous_stage(stage: Stage) -> Stage | None:
    """The stage one step back; a lost account goes back to cold to be worked again."""
    if stage is Stage.LOST:
        return Stage.COLD
    i = FUNNEL.index(stage)
    return FUNNEL[i - 1] if i > 0 else None
