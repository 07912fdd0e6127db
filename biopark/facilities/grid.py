"""The week grid of a resource or of a user's bookings: seven day columns on a time axis of half-hour rows.

Blocks are placed by CSS classes (row, span, lane) because the pages' content-security policy forbids inline
styles; facilities.css defines the classes for 48 half-hour rows and four lanes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from biopark.facilities.models import WEEKDAYS

ROW_MINUTES = 30
MAX_LANES = 4


@dataclass
class Block:
    start: dt.datetime  # local
    end: dt.datetime  # local
    kind: str  # mine | pending | rejected | booked | outage | free
    label: str = ""
    booking: Any = None
    link: str = ""
    row: int = 1
    span: int = 1
    lane: int = 1


@dataclass
class Day:
    date: dt.date
    blocks: list[Block] = field(default_factory=list)
    lanes: int = 1

    @property
    def code(self) -> str:
        """The weekday's code (mon..sun), for its short label on narrow screens."""
        return WEEKDAYS[self.date.weekday()]


@dataclass
class Grid:
    days: list[Day]
    first_hour: int
    last_hour: int

    @property
    def rows(self) -> int:
        return (self.last_hour - self.first_hour) * 60 // ROW_MINUTES

    @property
    def hours(self) -> list[tuple[str, int]]:
        """The axis labels with the row each starts on."""
        per_hour = 60 // ROW_MINUTES
        return [(f"{h:02d}:00", i * per_hour + 1) for i, h in enumerate(range(self.first_hour, self.last_hour))]


def _pieces(block: Block, monday: dt.date) -> list[tuple[int, Block]]:
    """The block cut at midnights into (day index, piece) within the week."""
    out = []
    start = block.start
    while start < block.end:
        midnight = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time(0), tzinfo=start.tzinfo)
        end = min(block.end, midnight)
        index = (start.date() - monday).days
        if 0 <= index < 7:
            out.append((index, Block(start, end, block.kind, block.label, block.booking, block.link)))
        start = end
    return out


def _minute(value: dt.datetime) -> int:
    return value.hour * 60 + value.minute


def build(monday: dt.date, blocks: list[Block], *, first_hour: int = 8, last_hour: int = 18) -> Grid:
    """Lay the blocks out: the axis widens to cover every block (whole hours), overlapping blocks of one day
    take lanes side by side."""
    days = [Day(monday + dt.timedelta(days=i)) for i in range(7)]
    for block in blocks:
        for index, piece in _pieces(block, monday):
            days[index].blocks.append(piece)
    for day in days:
        for b in day.blocks:
            end_minute = _minute(b.end) if b.end.date() == b.start.date() else 24 * 60
            first_hour = min(first_hour, _minute(b.start) // 60)
            last_hour = max(last_hour, -(-end_minute // 60))
    for day in days:
        day.blocks.sort(key=lambda b: (b.start, b.end))
        lane_ends: list[dt.datetime] = []
        for b in day.blocks:
            end_minute = _minute(b.end) if b.end.date() == b.start.date() else 24 * 60
            b.row = (_minute(b.start) - first_hour * 60) // ROW_MINUTES + 1
            b.span = max(1, -(-(end_minute - first_hour * 60) // ROW_MINUTES) - b.row + 1)
            for lane, lane_end in enumerate(lane_ends):
                if lane_end <= b.start:
                    lane_ends[lane] = b.end
                    b.lane = lane + 1
                    break
            else:
                lane_ends.append(b.end)
                b.lane = min(len(lane_ends), MAX_LANES)
        day.lanes = min(max(len(lane_ends), 1), MAX_LANES)
    return Grid(days, first_hour, last_hour)
