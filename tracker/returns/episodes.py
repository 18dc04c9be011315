"""903 episodes from a child's periods of care, legal statuses and placements (pure).

An episode starts whenever a period of care starts, the legal status changes or the
placement changes, and lasts until the next such change (REC X1, the child stays looked
after) or until the period of care ends (REC = the period's reason). Its RNE says what
changed (codes.md §6.3):

* S  the first episode of a period of care (the period's own RNE if it is a period whose
     start the tracker does not hold, loaded from a return that began mid-period);
* L  legal status only;
* P  placement and carer; T placement but the same carer (the same ``carer_ref``);
* B  legal status and placement and carer; U legal status and placement, same carer.

A return to the usual placement after a temporary one (T0–T4) is always P or B (DfE
rule 383). REASON_PLACE_CHANGE goes on the episode that ended a placement: it ends with
X1, the next episode starts a new placement, and neither is temporary (rules 225, 226,
233 from 2025–26; the tracker uses the same place for earlier years).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from tracker.codes import TEMPORARY_PLACEMENTS
from tracker.returns.facts import PlacementFact, ReturnFacts


@dataclass(frozen=True, slots=True)
class Episode:
    start: dt.date
    end: dt.date | None
    rne: str
    ls: str | None
    cin: str
    placement: PlacementFact | None
    rec: str | None
    reason_place_change: str | None
    period_id: int

    @property
    def place(self) -> str | None:
        return self.placement.place if self.placement else None

    @property
    def provider(self) -> str | None:
        return self.placement.provider if self.placement else None

    def open_at(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)


def _status_on(statuses: list[tuple[dt.date, str]], on: dt.date) -> str | None:
    code = None
    for start, c in statuses:
        if start > on:
            break
        code = c
    return code


def _placement_on(placements: list[PlacementFact], on: dt.date, stop: dt.date | None) -> PlacementFact | None:
    """The placement in force on ``on``: started on or before it and not yet ended."""
    found = None
    for p in placements:
        if p.start > on:
            break
        if p.end is None or p.end > on or (p.end == on and stop == on):
            found = p
    return found


def derive_episodes(facts: ReturnFacts) -> list[Episode]:
    """Every episode of every period of care, in date order."""
    episodes: list[Episode] = []
    for period in facts.periods:
        stop = period.end
        inside = [p for p in facts.placements
                  if p.start >= period.start and (stop is None or p.start < stop or p.start == period.start)]
        starts = {period.start}
        starts.update(s for s, _ in facts.statuses if period.start < s and (stop is None or s < stop))
        starts.update(p.start for p in inside if period.start < p.start and (stop is None or p.start < stop))
        dates = sorted(starts)
        # Placements in force at the period's start may have begun with it (the usual
        # case) or, for a period loaded from a return, be the only one we know.
        placements = sorted(inside, key=lambda p: (p.start, p.id))
        previous: Episode | None = None
        rows: list[Episode] = []
        for d in dates:
            ls = _status_on(facts.statuses, d)
            placement = _placement_on(placements, d, stop)
            if previous is None:
                rne = period.rne
            else:
                ls_changed = ls != previous.ls
                place_changed = (placement is not None and previous.placement is not None
                                 and placement.id != previous.placement.id) or (
                    (placement is None) != (previous.placement is None))
                if not ls_changed and not place_changed:
                    continue
                if place_changed:
                    same_carer = (placement is not None and previous.placement is not None
                                  and placement.carer_ref is not None
                                  and placement.carer_ref == previous.placement.carer_ref
                                  and previous.placement.place not in TEMPORARY_PLACEMENTS
                                  and placement.place not in TEMPORARY_PLACEMENTS)
                    if ls_changed:
                        rne = "U" if same_carer else "B"
                    else:
                        rne = "T" if same_carer else "P"
                else:
                    rne = "L"
            episode = Episode(start=d, end=None, rne=rne, ls=ls, cin=period.cin, placement=placement, rec=None,
                              reason_place_change=None, period_id=period.id)
            if previous is not None:
                rows[-1] = _close(rows[-1], d, episode)
            rows.append(episode)
            previous = episode
        if rows and stop is not None:
            rows[-1] = replace(rows[-1], end=stop, rec=period.rec)
        episodes.extend(rows)
    return episodes


def _close(episode: Episode, on: dt.date, following: Episode) -> Episode:
    reason = None
    if (following.rne in ("P", "T", "B", "U") and episode.placement is not None
            and episode.place not in TEMPORARY_PLACEMENTS and following.place not in TEMPORARY_PLACEMENTS):
        reason = episode.placement.end_reason
    return replace(episode, end=on, rec="X1", reason_place_change=reason)


def episodes_in_year(episodes: list[Episode], year: int) -> list[Episode]:
    """The episodes open at any time in the collection year (1 April – 31 March), as
    returned for that year: an episode that ended after 31 March is still open then."""
    first, last = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    out = []
    for e in episodes:
        if e.start > last or (e.end is not None and e.end < first):
            continue
        if e.end is not None and e.end > last:
            e = replace(e, end=None, rec=None, reason_place_change=None)
        out.append(e)
    return out
