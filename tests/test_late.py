"""Due dates, extensions and each late policy, computed by hand for a 4-point assignment."""

from datetime import datetime, timedelta

import pytest

from autograder.late import DeadlineError, Policy, load_deadlines, penalty, submission_time

HOUR = 3600.0
DAY = 24 * HOUR


@pytest.mark.parametrize("policy, seconds_late, points", [
    (Policy(), 5 * DAY, 0.0),  # none: late, but no penalty
    (Policy("per_hour", penalty=5, cap=50), 0.5 * HOUR, 0.2),  # one started hour: 5%
    (Policy("per_hour", penalty=5, cap=50), 3.01 * HOUR, 0.8),  # four started hours: 20%
    (Policy("per_hour", penalty=5, cap=50), 30 * HOUR, 2.0),  # capped at 50%
    (Policy("per_day", penalty=10, cap=50), 1 * HOUR, 0.4),  # one started day: 10%
    (Policy("per_day", penalty=10, cap=50), 30 * HOUR, 0.8),  # two started days: 20%
    (Policy("per_day", penalty=10, cap=30), 10 * DAY, 1.2),  # capped at 30%
    (Policy("zero_after", cutoff_hours=48), 47 * HOUR, 0.0),  # before the cutoff: nothing
    (Policy("zero_after", cutoff_hours=48), 49 * HOUR, 4.0),  # after it: zero
    (Policy("per_day", penalty=10, cap=50, cutoff_hours=72), 73 * HOUR, 4.0),
    (Policy("per_day", penalty=10, grace_minutes=10), 9 * 60, 0.0),  # within the grace
    (Policy("per_day", penalty=10, grace_minutes=10), 11 * 60, 0.4),
])
def test_each_policy(policy, seconds_late, points):
    taken, why = penalty(policy, seconds_late, 4.0)
    assert taken == pytest.approx(points)
    if seconds_late > policy.grace_minutes * 60:
        assert why.startswith("submitted ") and "after the due date" in why
    else:
        assert why == ""  # forgiven: not late at all


def test_on_time_is_no_penalty():
    assert penalty(Policy("per_day", penalty=10), 0.0, 4.0) == (0.0, "")
    assert penalty(Policy("per_day", penalty=10), -HOUR, 4.0) == (0.0, "")


def write(tmp_path, text):
    (tmp_path / "deadlines.toml").write_text(text)
    return tmp_path


def test_due_dates_and_extensions(tmp_path):
    deadlines = load_deadlines(write(tmp_path, """
[policy]
kind = "per_hour"
penalty = 2
cap = 40

[due]
initialization = "2027-01-15T17:00:00+01:00"

[extensions.initialization]
alice = 48
bob = "2027-01-20T12:00:00Z"
"""))
    due = datetime(2027, 1, 15, 16, 0)  # naive UTC, as nbgrader stores times
    assert deadlines.due_for("initialization", "carol") == due
    assert deadlines.due_for("initialization", "alice") == due + timedelta(hours=48)
    assert deadlines.due_for("initialization", "bob") == datetime(2027, 1, 20, 12, 0)
    assert deadlines.due_for("optimization", "carol") is None
    gradebook_due = datetime(2027, 2, 1)  # set in formgrader: counts when the file has none
    assert deadlines.due_for("optimization", "carol", gradebook_due) == gradebook_due
    assert deadlines.policy == Policy("per_hour", 2.0, 40.0, None, 0.0)
    assert "2% of the maximum score per started hour late, at most 40%" in \
        deadlines.policy.describe()


def test_no_file_means_nothing_is_late(tmp_path):
    deadlines = load_deadlines(tmp_path)
    assert deadlines.due_for("initialization", "alice") is None
    assert deadlines.policy.describe() == "no penalty for late work"


@pytest.mark.parametrize("text, expected", [
    ("[policy\n", "deadlines.toml: not valid TOML"),
    ('[policy]\nkind = "weekly"\n', "kind must be one of none, per_hour, per_day, zero_after"),
    ('[policy]\nkind = "per_day"\npenalty = -3\n', "penalty must be a number of 0 or more"),
    ('[policy]\nkind = "zero_after"\n', "zero_after\" needs cutoff_hours"),
    ('[due]\ninitialization = "next friday"\n', "[due] initialization: 'next friday' is not a "
                                                 "date and time"),
    ('[extensions.initialization]\nalice = 24\n', "an extension in hours needs a due date"),
])
def test_a_bad_deadlines_file_names_itself_and_what_was_expected(tmp_path, text, expected):
    with pytest.raises(DeadlineError) as error:
        load_deadlines(write(tmp_path, text))
    assert expected in str(error.value) and str(tmp_path / "deadlines.toml") in str(error.value)


def test_submission_time_is_the_exchange_timestamp(tmp_path):
    assert submission_time(tmp_path) is None
    (tmp_path / "timestamp.txt").write_text("2026-12-06 13:27:43.339560 UTC")
    assert submission_time(tmp_path) == datetime(2026, 12, 6, 13, 27, 43, 339560)
    (tmp_path / "timestamp.txt").write_text("yesterday-ish")
    with pytest.raises(DeadlineError, match="timestamp.txt"):
        submission_time(tmp_path)
