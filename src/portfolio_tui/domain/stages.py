"""The prospect-to-client funnel and the rules for moving along it."""

from __future__ import annotations

from enum import StrEnum


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


class StageError(ValueError):
    pass


def parse_stage(text: str) -> Stage:
    try:
        return Stage(text.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in Stage)
        raise StageError(f"unknown stage {text!r} (expected one of: {choices})") from None


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
