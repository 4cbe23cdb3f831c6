"""Due dates, extensions and the late-work policy, read from `deadlines.toml` in the course
directory (optional: without it nothing is late).

    [policy]
    kind = "per_day"       # none, per_hour, per_day or zero_after
    penalty = 10           # per_hour / per_day: percent of the maximum score per started hour/day
    cap = 50               # per_hour / per_day: the penalty never exceeds this percent
    cutoff_hours = 72      # zero_after (or any kind): work later than this earns zero
    grace_minutes = 5      # lateness below this is forgiven (clock skew, a slow upload)

    [due]                  # assignment -> due date (ISO 8601; UTC unless an offset is given)
    initialization = "2027-01-15T17:00:00+00:00"

    [extensions.initialization]   # student -> hours granted, or a new due date
    alice = 48
    bob = "2027-01-20T12:00:00Z"

The submission time is the exchange's (`timestamp.txt` in submitted/<student>/<assignment>/,
written by `nbgrader submit` and kept by `nbgrader collect`). A due date set in formgrader (the
gradebook's) counts when deadlines.toml gives none. All times are handled as naive UTC, as
nbgrader stores them.
"""

import math
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

FILE = "deadlines.toml"
KINDS = ("none", "per_hour", "per_day", "zero_after")


class DeadlineError(ValueError):
    """deadlines.toml or a timestamp.txt cannot be read; the message is one sentence."""


def parse_time(text, where):
    """Naive UTC datetime from an ISO 8601 string (or nbgrader's timestamp format)."""
    from nbgrader.utils import parse_utc
    if isinstance(text, datetime):
        return parse_utc(text)
    try:
        return parse_utc(str(text).strip())
    except (ValueError, OverflowError):
        raise DeadlineError(f"{where}: {text!r} is not a date and time; expected ISO 8601 such "
                            "as 2027-01-15T17:00:00+00:00") from None


@dataclass(frozen=True)
class Policy:
    kind: str = "none"
    penalty: float = 0.0  # percent of the maximum score per started unit
    cap: float = 100.0  # percent, at most
    cutoff_hours: float | None = None  # later than this after the due date: zero
    grace_minutes: float = 0.0

    def describe(self):
        """The policy in one sentence, for the report and the feedback."""
        parts = []
        if self.kind in ("per_hour", "per_day"):
            unit = "hour" if self.kind == "per_hour" else "day"
            parts.append(f"{self.penalty:g}% of the maximum score per started {unit} late, "
                         f"at most {self.cap:g}%")
        if self.cutoff_hours is not None:
            parts.append(f"zero for work more than {self.cutoff_hours:g} hours late")
        if not parts:
            return "no penalty for late work"
        return "; ".join(parts)


@dataclass
class Deadlines:
    policy: Policy = field(default_factory=Policy)
    due: dict = field(default_factory=dict)  # assignment -> datetime
    extensions: dict = field(default_factory=dict)  # (assignment, student) -> datetime

    def due_for(self, assignment, student, gradebook_due=None):
        """The due date that applies to ``student`` (an extension, else the assignment's)."""
        due = self.due.get(assignment, gradebook_due)
        return self.extensions.get((assignment, student), due)


def _number(table, key, default, where):
    value = table.get(key, default)
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)
                         and value >= 0):
        return None if value is None else float(value)
    raise DeadlineError(f"{where}: [policy] {key} must be a number of 0 or more, not {value!r}")


def load_deadlines(root):
    """The Deadlines of the course at ``root`` (empty when it has no deadlines.toml)."""
    path = Path(root) / FILE
    if not path.is_file():
        return Deadlines()
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise DeadlineError(f"{path}: not valid TOML ({error})") from None
    raw = table.get("policy", {})
    kind = raw.get("kind", "none")
    if kind not in KINDS:
        raise DeadlineError(f"{path}: [policy] kind must be one of {', '.join(KINDS)}, "
                            f"not {kind!r}")
    policy = Policy(kind, _number(raw, "penalty", 0.0, path), _number(raw, "cap", 100.0, path),
                    _number(raw, "cutoff_hours", None, path),
                    _number(raw, "grace_minutes", 0.0, path))
    if kind == "zero_after" and policy.cutoff_hours is None:
        raise DeadlineError(f"{path}: [policy] kind = \"zero_after\" needs cutoff_hours")
    due = {name: parse_time(value, f"{path}: [due] {name}")
           for name, value in table.get("due", {}).items()}
    extensions = {}
    for assignment, students in table.get("extensions", {}).items():
        if not isinstance(students, dict):
            raise DeadlineError(f"{path}: [extensions.{assignment}] must be a table of "
                                "student = hours or student = \"new due date\"")
        for student, value in students.items():
            where = f"{path}: [extensions.{assignment}] {student}"
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if assignment not in due:
                    raise DeadlineError(f"{where}: an extension in hours needs a due date for "
                                        f"{assignment} in [due]")
                extensions[(assignment, student)] = due[assignment] + timedelta(hours=value)
            else:
                extensions[(assignment, student)] = parse_time(value, where)
    return Deadlines(policy, due, extensions)


def penalty(policy, seconds_late, max_score):
    """(points taken off, one sentence saying why) for work ``seconds_late`` after its due
    date; (0, "") when on time."""
    seconds_late -= policy.grace_minutes * 60
    if seconds_late <= 0:
        return 0.0, ""
    hours = seconds_late / 3600
    late = f"submitted {_duration(seconds_late)} after the due date"
    if policy.cutoff_hours is not None and hours > policy.cutoff_hours:
        return float(max_score), f"{late}: work more than {policy.cutoff_hours:g} hours late " \
                                 "earns zero"
    if policy.kind in ("per_hour", "per_day"):
        units = math.ceil(hours if policy.kind == "per_hour" else hours / 24)
        percent = min(policy.cap, policy.penalty * units)
        points = round(max_score * percent / 100, 6)
        return points, f"{late}: {percent:g}% of {max_score:g} points taken off " \
                       f"({policy.describe()})"
    return 0.0, f"{late} (no penalty: {policy.describe()})"


def _duration(seconds):
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} day{'s' * (days != 1)}"] if days else []
    parts += [f"{hours} hour{'s' * (hours != 1)}"] if hours else []
    parts += [f"{minutes} minute{'s' * (minutes != 1)}"] if minutes and not days else []
    return " ".join(parts) or "less than a minute"


def submission_time(folder):
    """The exchange's submission time of ``folder`` (its timestamp.txt), or None."""
    if folder is None:
        return None
    path = Path(folder) / "timestamp.txt"
    if not path.is_file():
        return None
    return parse_time(path.read_text(encoding="utf-8", errors="replace"), path)
