"""The grading report: a report and a journal written by an earlier version are still read (for
--resume, feedback pages and formgrader), a damaged report is refused in one sentence, and the
limits `course grade` offers are the one set of defaults the workers get."""

import json
import subprocess
import sys

import pytest

from autograder.cli import parser
from autograder.feedback import render
from autograder.report import (ReportError, journal_path, previous_results, read_report,
                               results_of, with_results, write_report)
from autograder.running import Limits

# An entry as `course grade` wrote it before the report had a module of its own.
EARLIER_ENTRY = {
    "student": "ada", "assignment": "initialization", "status": "graded", "score": 2.0,
    "max_score": 4.0,
    "cells": [{"grade_id": "test_initialize_parameters_zeros", "points": 1.0, "max_points": 1.0,
               "status": "passed", "message": "passed", "mistake": None,
               "manual_points": None},
              {"grade_id": "test_initialize_parameters_he", "points": 0.0, "max_points": 2.0,
               "status": "failed", "message": "wrong scale", "mistake": "scale_xavier",
               "manual_points": 1.0}],
    "notes": ["notebook was renamed to mine.ipynb; graded it"], "message": "", "review": True,
    "checksum": "ab" * 32, "sandbox": "bubblewrap",
    "usage": {"processes": 3, "memory": 1, "disk": 0, "cpu": 1.5}, "seconds": 3.2,
    "submitted_at": "2026-01-01T10:00:00+00:00", "due": "", "seconds_late": 0.0,
    "late_penalty": 0.0, "late_message": "", "final_score": 3.0,
    "comments": {"initialize_parameters_he": "Close."}}
EARLIER_REPORT = {"assignment": "initialization", "submissions": "/srv/submitted",
                  "sandbox": "bubblewrap", "bounds": {}, "sandbox_started_by": "this user",
                  "late_policy": "none", "gradebook": None, "flagged_for_review": ["ada"],
                  "students": [EARLIER_ENTRY]}


def test_an_earlier_report_and_journal_are_read(tmp_path):
    path = tmp_path / "initialization.json"
    path.write_text(json.dumps(EARLIER_REPORT, indent=2) + "\n")
    result, = results_of(read_report(path, "initialization"))
    assert result.to_dict() == EARLIER_ENTRY
    assert result.counted_score == 3.0 and result.cells[1].counted_points == 1.0
    journal_path(path).write_text(json.dumps(dict(EARLIER_ENTRY, student="bob")) + "\n"
                                  + '{"student": "cut sh')  # interrupted mid-line
    previous = previous_results(path, "initialization")
    assert sorted(previous) == ["ada", "bob"] and previous["bob"].checksum == "ab" * 32
    assert sorted(previous_results(path, "initialization", with_journal=False)) == ["ada"]


def test_a_report_written_again_keeps_its_form(tmp_path):
    path = tmp_path / "initialization.json"
    write_report(path, with_results(EARLIER_REPORT, results_of(EARLIER_REPORT)))
    assert json.loads(path.read_text()) == EARLIER_REPORT
    assert [p.name for p in tmp_path.iterdir()] == ["initialization.json"]


def test_fields_a_later_version_adds_are_left_out():
    entry = dict(EARLIER_ENTRY, cells=[dict(EARLIER_ENTRY["cells"][0], later=1)], later=2)
    result, = results_of({"students": [entry]})
    assert "later" not in result.to_dict() and "later" not in result.to_dict()["cells"][0]


def test_the_feedback_page_of_an_earlier_entry():
    page = render(EARLIER_ENTRY)
    assert "3 / 4" in page and "changed by your grader from 0" in page


@pytest.mark.parametrize("text", ["", "{not json", '["a list"]', '{"students": 3}'])
def test_a_damaged_report_is_refused_in_one_sentence(tmp_path, text):
    path = tmp_path / "initialization.json"
    path.write_text(text)
    with pytest.raises(ReportError, match=r"is not a grading report .*run `course grade "
                                          r"initialization` again"):
        read_report(path, "initialization")
    with pytest.raises(ReportError, match="no report at .*run `course grade initialization` "
                                          "first"):
        read_report(tmp_path / "none.json", "initialization")


def test_course_grade_offers_the_limits_the_workers_get():
    args = parser().parse_args(["grade", "initialization"])
    defaults = Limits()
    assert Limits(cell_seconds=args.cell_timeout, total_seconds=args.total_timeout,
                  memory_mb=args.memory_mb, output_chars=args.output_chars,
                  processes=args.processes, disk_mb=args.disk_mb,
                  cpu_seconds=args.cpu_seconds, cpus=args.cpus) == defaults
    assert defaults.output_chars == 200_000
    shown = " ".join(subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", "--help"], capture_output=True,
        text=True, check=True).stdout.split())
    assert "--output-chars N characters a submission may print (default: 200000)" in shown
    assert "--cell-timeout SECONDS time limit per cell and per graded test (default: 60)" in shown
