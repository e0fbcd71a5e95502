"""The classifier's public entry point: ``classify(item, watchlist) -> Match`` (pure)."""

from bot.domain.matching.decide import THRESHOLD, classify

__all__ = ["THRESHOLD", "classify"]
