"""A letter's time limit: computed from the rule pack (`rules.letters.resolution_deadline`) by
the date the letter was received, at the receiving body's level, in the row's day type (working
days use the calendar with Vietnamese holidays), extended within the cap.

The due date is stored on the letter (`Letter.due_on`, with the citation) so that "due soon /
overdue" across a scope is one indexed query; `refresh_due` recomputes it whenever what it
depends on changes (acceptance, an extension). Nothing here writes an audit event: the service
that changes the letter does.
"""

from ktgs.letters.models import Letter
from ktgs.rules import letters as rules


def level_of(letter: Letter) -> str | None:
    """The level the receiving body resolves at (orgs.choices.Level of its unit's kind)."""
    kind = getattr(letter.body.unit, "kind", None)
    return getattr(kind, "level", None)


def deadline_of(letter: Letter, *, extra_days: int = 0) -> rules.Deadline | None:
    """The letter's deadline with the extensions granted (plus `extra_days` not yet granted,
    to check a new one: beyond the cap → ValidationError citing the rule); None when no limit
    holds (a kiến nghị, a letter received before the pack's first letters row)."""
    granted = [e.days for e in letter.extensions.all()] if letter.pk else []
    if extra_days:
        granted.append(extra_days)
    level, unit = level_of(letter), letter.body.unit
    limit = rules.time_limit(letter.kind, letter.received_on, level, unit=unit)
    # A limit counted from receipt runs from the received date, whenever the letter is accepted;
    # one counted from the decision to resolve runs from the acceptance (none before it).
    counts_from_decision = limit is not None and limit.counts_from == "decision"
    return rules.resolution_deadline(
        letter.kind,
        letter.received_on,
        level,
        start_on=letter.accepted_on if counts_from_decision else None,
        extensions=granted,
        unit=unit,
    )


def refresh_due(letter: Letter) -> rules.Deadline | None:
    """Set `letter.due_on` and `limit_citation` from the rule pack (not saved: the caller saves
    inside its transaction). Returns the deadline, or None when no limit holds."""
    deadline = deadline_of(letter)
    letter.due_on = deadline.due if deadline else None
    letter.limit_citation = deadline.limit.citation if deadline else ""
    return deadline
