"""Human names for the tracked pledges and laws an item concerns ("Washington SB 6280"),
for the one-line reason a reader sees; the ids stay in the other reasons."""

from __future__ import annotations

import re

from bot.domain.watchlist import Law, Pledge

__all__ = ["law_name", "pledge_name"]

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _before(text: str, *marks: str) -> str:
    """``text`` up to the first of ``marks``: "Amazon (Amazon Web Services)" -> "Amazon"."""
    for mark in marks:
        text = text.split(mark, 1)[0]
    return text.strip()


def pledge_name(pledge: Pledge) -> str:
    """The pledge's own title ("Amazon moratorium on police use of Rekognition"), with its
    company's name first."""
    company = _before(pledge.company_name, " (")
    title = pledge.title.strip()
    first = company.split()[0].lower()
    return title if title.lower().startswith(first) else f"{company}: {title}"


def law_name(law: Law) -> str:
    """A state bill by state and number ("Washington SB 6280"); a federal bill by its title
    (its Congress when the title has no year) or, untitled, its number; a city's or county's
    law by place and what it is ("the Boston, MA facial recognition ban"); the EU's by name."""
    number = law.bill_numbers[0] if law.bill_numbers else None
    place = _before(law.jurisdiction_name, " (")
    if law.level == "state":
        return f"{place} {_before(number, ' (')}" if number else f"{place}: {law.title}"
    congress = _before(law.session or "", ",")
    if law.level == "federal":
        title = _before(law.title, " (")
        if title.startswith("To ") and number:
            return f"{number} ({congress})" if congress else number
        return title if _YEAR.search(title) or not congress else f"{title} ({congress})"
    if law.level == "supranational":
        short = "EU" if place == "European Union" else place
        return f"the {short} {law.aliases[0]}" if law.aliases else f"{short}: {law.title}"
    if law.aliases:
        return f"{_before(place, ',')}'s {law.aliases[0]}"
    title = law.title.lower()
    if "settlement" in title:
        return _before(law.title, " - ", " (")
    what = "ban" if "ban" in title or "prohibit" in title else "ordinance"
    return f"the {place} facial recognition {what}"
