"""Matching: the watchlist's vocabulary compiled once, and the pure ``classify`` decision."""

from bot.domain.matching.decide import THRESHOLD, classify

__all__ = ["THRESHOLD", "classify"]
