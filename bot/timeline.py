"""The timeline picture: pledges and laws over time, each point a dated, sourced event.

:func:`timeline_events` is pure: the status views (the shipped history joined with what the
store learned) in, dated events with their sources out, optionally for one company, bill
or place. :func:`render_png` draws them with matplotlib's Agg canvas (no display, no
network, no global pyplot state) at a size and type that stay readable in Discord's inline
preview.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from bot.domain.bills import FACT_STEPS
from bot.domain.pledges import DISPUTES, EVENT_STATUS, STARTS
from bot.errors import NotFoundError
from bot.status import BillStatusView, PledgeStatusView, find_bill, find_pledge

if TYPE_CHECKING:
    from pathlib import Path

    from matplotlib.figure import Figure

    from bot.settings import Settings

Category = Literal[
    "pledge made",
    "pledge extended",
    "pledge ended or disputed",
    "pledge update",
    "bill introduced or advanced",
    "law enacted or in force",
    "law expired or rolled back",
]
# Colour-blind safe (Okabe-Ito) and a distinct marker each, so the legend reads in grey too.
STYLE: dict[Category, tuple[str, str]] = {
    "pledge made": ("#0072B2", "o"),
    "pledge extended": ("#56B4E9", "^"),
    "pledge ended or disputed": ("#D55E00", "X"),
    "pledge update": ("#999999", "."),
    "bill introduced or advanced": ("#E69F00", "s"),
    "law enacted or in force": ("#009E73", "D"),
    "law expired or rolled back": ("#CC79A7", "v"),
}
# Discord shows an image inline at most this big (desktop); the picture is drawn at twice
# that, so it stays sharp when opened and its smallest text stays readable when not.
PREVIEW_PX = (550, 350)
SIZE_PX = (1100, 700)
DPI = 100
MIN_FONT_PT = 15.0  # 15 pt at 100 dpi is 21 px, 10 px in the preview
MAX_ROWS = 12

_MOVING = frozenset(
    {"introduced", "in_committee", "reported", "passage", "passed_both", "sent_to_executive"}
)
_IN_FORCE = frozenset({"enacted", "effective"})
_ENDED = frozenset({"expired", "replaced", "partly_reversed"})
_ENDED_PLEDGE = frozenset({"expired", "lifted", "superseded", "reversed_or_disputed"})


_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    day: date
    row: str  # the subject: a company, a law, or a group of laws
    category: Category
    text: str
    source_url: str
    labels: tuple[str, ...] = ()  # the sheet's or the project's caveats: "derived", ...

    @property
    def derived(self) -> bool:
        """Worked out or approximate rather than printed in the source: drawn hollow."""
        return any(x.startswith(("derived", "approximate")) for x in self.labels)


def timeline_events(
    pledges: Sequence[PledgeStatusView],
    laws: Sequence[BillStatusView],
    *,
    focus: str | None = None,
) -> tuple[str, list[TimelineEvent]]:
    """(title, events) for everything, or for one company, bill or place (a state covers
    its cities). Undated or unsourced entries are left out: a point is a dated, sourced
    event. An unknown ``focus`` raises :class:`NotFoundError`."""
    if focus is None or not focus.strip():
        events = [e for v in pledges for e in _pledge_events(v, row=_company(v))]
        events += [e for v in laws for e in _law_events(v, row=_group(v.jurisdiction))]
        return "Facial-recognition pledges and laws", _sorted(events)
    pledge = find_pledge(list(pledges), focus)
    if pledge is not None:
        return f"{_company(pledge)}: pledge timeline", _sorted(
            _pledge_events(pledge, row=_company(pledge))
        )
    place = focus.strip().lower()
    here = [
        v
        for v in laws
        if v.jurisdiction.lower() == place or v.jurisdiction.lower().startswith(place + "-")
    ]
    if here:
        rows = _law_rows(here)
        events = [e for v in here for e in _law_events(v, row=rows[v.id])]
        return f"Laws and bills in {here[0].jurisdiction if len(here) == 1 else focus.strip()}", (
            _sorted(events)
        )
    bill = find_bill(list(laws), focus)
    if bill is not None:
        label = _law_rows([bill])[bill.id]
        return f"{label}: {bill.title}"[:90], _sorted(_law_events(bill, row=label))
    raise NotFoundError(
        f"no tracked company, bill or place matches '{focus.strip()[:60]}'. "
        "Try a company (amazon), a bill (S.4084) or a place (US-WA)."
    )


def _pledge_events(view: PledgeStatusView, *, row: str) -> list[TimelineEvent]:
    out = []
    for entry in view.state.history:
        if entry.date is None or not entry.source_url:
            continue
        out.append(
            TimelineEvent(
                entry.date,
                row,
                _pledge_category(entry.status),
                entry.summary,
                entry.source_url,
                tuple(entry.caveats),
            )
        )
    return out


def _pledge_category(event: str) -> Category:
    if event in STARTS or event in ("active", "conditional"):
        return "pledge made"
    status = EVENT_STATUS.get(event)
    if status == "extended":
        return "pledge extended"
    if status in _ENDED_PLEDGE or event in DISPUTES:
        return "pledge ended or disputed"
    return "pledge update"


def _law_events(view: BillStatusView, *, row: str) -> list[TimelineEvent]:
    out = []
    seen: set[tuple[date, Category]] = set()
    for entry in view.history:
        day, url = entry.get("date"), entry.get("source_url")
        category = _law_category(str(entry.get("event") or ""))
        if not day or not url or category is None:
            continue
        when = date.fromisoformat(day)
        seen.add((when, category))
        labels = tuple(entry.get("labels") or ())
        out.append(TimelineEvent(when, row, category, str(entry.get("text") or ""), url, labels))
    # What legislative data added since (a stage the history does not have yet).
    stage = _stage_category(view.stage)
    if (
        view.stage_date is not None
        and view.stage_source_url
        and stage is not None
        and (view.stage_date, stage) not in seen
    ):
        text = (view.stage or "").replace("_", " ")
        if view.stage_basis:
            text += f" (derived from: {view.stage_basis[0]})"
        out.append(
            TimelineEvent(
                view.stage_date, row, stage, text, view.stage_source_url, view.stage_caveats
            )
        )
    return out


def _law_category(event: str) -> Category | None:
    step = FACT_STEPS.get(event)
    return None if step is None else _stage_category(step.kind)


def _stage_category(kind: str | None) -> Category | None:
    if kind in _MOVING or kind in ("passed_one_chamber",):
        return "bill introduced or advanced"
    if kind in _IN_FORCE:
        return "law enacted or in force"
    if kind in _ENDED or kind in ("vetoed", "failed", "withdrawn"):
        return "law expired or rolled back"
    return None


def _company(view: PledgeStatusView) -> str:
    return view.pledge.company_name.split(" (")[0]


def _group(jurisdiction: str) -> str:
    if jurisdiction == "US-federal":
        return "US Congress"
    if jurisdiction.startswith("US-"):
        return "US states" if jurisdiction.count("-") == 1 else "US cities, counties"
    return jurisdiction


def _law_rows(views: Sequence[BillStatusView]) -> dict[str, str]:
    rows: dict[str, str] = {}
    for v in views:
        label = v.identifiers[0] if v.identifiers else v.jurisdiction.split("-", 2)[-1]
        first = min((d for h in v.history if (d := h.get("date"))), default=None)
        if label in rows.values() and first:
            label = f"{label} ({first[:4]})"
        rows[v.id] = label[:24]
    return rows


def _sorted(events: list[TimelineEvent]) -> list[TimelineEvent]:
    return sorted(events, key=lambda e: (e.day, e.row, e.category))


def build_figure(events: Sequence[TimelineEvent], *, title: str) -> Figure:
    """The picture as a matplotlib figure (Agg canvas), rows ordered by first event."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import DateFormatter, YearLocator
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(SIZE_PX[0] / DPI, SIZE_PX[1] / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    rows = list(dict.fromkeys(e.row for e in events))
    if len(rows) > MAX_ROWS:  # the rows with the latest news; the rest stay in export
        latest = {r: max(e.day for e in events if e.row == r) for r in rows}
        keep = set(sorted(rows, key=lambda r: latest[r], reverse=True)[:MAX_ROWS])
        rows = [r for r in rows if r in keep]
        events = [e for e in events if e.row in keep]
    y = {row: len(rows) - 1 - i for i, row in enumerate(rows)}
    used = list(dict.fromkeys(e.category for e in events))
    for category in STYLE:
        if category not in used:
            continue
        colour, marker = STYLE[category]
        for derived in (False, True):
            points = [e for e in events if e.category == category and e.derived is derived]
            if not points:
                continue
            ax.scatter(
                [_days(e.day) for e in points],
                [y[e.row] for e in points],
                s=170,
                # Derived or approximate: the colour's outline only.
                c="none" if derived else colour,
                marker=marker,
                edgecolors=colour if derived else "black",
                linewidths=2.0 if derived else 0.6,
                zorder=3,
            )
    ax.set_yticks(range(len(rows)), [r for r, _ in sorted(y.items(), key=lambda kv: kv[1])])
    ax.set_ylim(-0.7, max(len(rows) - 0.3, 0.7))
    ax.xaxis.set_major_locator(YearLocator())  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    ax.tick_params(labelsize=MIN_FONT_PT)
    ax.grid(axis="x", color="#dddddd", zorder=0)
    ax.grid(axis="y", color="#f0f0f0", zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not events:
        ax.text(
            0.5,
            0.5,
            "no dated, sourced event",
            ha="center",
            va="center",
            fontsize=MIN_FONT_PT,
            transform=ax.transAxes,
        )
    ax.set_title(title if len(title) <= 60 else title[:59] + "…", fontsize=20, loc="left", pad=12)
    handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker=STYLE[c][1],
            color=STYLE[c][0],
            markeredgecolor="black",
            markersize=13,
            label=c,
        )
        for c in STYLE
        if c in used
    ]
    if any(e.derived for e in events):
        handles.append(
            Line2D(
                [],
                [],
                linestyle="",
                marker="o",
                markerfacecolor="none",
                markeredgecolor="black",
                markeredgewidth=2.0,
                markersize=13,
                label="hollow: derived",
            )
        )
    if handles:
        fig.legend(
            handles=handles,
            loc="lower center",
            ncol=min(3, len(handles)),
            fontsize=MIN_FONT_PT,
            frameon=False,
            columnspacing=1.2,
            handletextpad=0.3,
        )
    legend_rows = (len(handles) + 2) // 3
    fig.subplots_adjust(left=0.2, right=0.98, top=0.9, bottom=0.1 + 0.06 * legend_rows)
    return fig


def render_png(events: Sequence[TimelineEvent], *, title: str) -> bytes:
    fig = build_figure(events, title=title)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, metadata={"Title": title, "Software": "PledgeWatch"})
    return out.getvalue()


def _days(day: date) -> float:
    """A date as matplotlib's date number (days since its 1970-01-01 epoch)."""
    return float((day - _EPOCH).days)


def timeline_command(settings: Settings, *, out_path: Path, about: str | None) -> str:
    """``pledgewatch timeline --out FILE.png``: the same picture as ``/timeline``."""
    import asyncio

    from bot.app import utc_now
    from bot.export import load_views

    pledges, laws, _ = asyncio.run(load_views(settings, now=utc_now()))
    title, events = timeline_events(pledges, laws, focus=about)
    out_path.write_bytes(render_png(events, title=title))
    return f"wrote {out_path}: {title}, {len(events)} dated, sourced events"
