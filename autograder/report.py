"""The grading report: the result of every submission, the journal an interrupted run resumes
from, and the report file (reports/<assignment>.json) that `course feedback`, formgrader's
feedback and `course report` read back.

A report file is {"assignment", "submissions", "sandbox", "bounds", "sandbox_started_by",
"late_policy", "gradebook", "flagged_for_review", "students": [SubmissionResult as a dict]}.
The journal beside it (<report>.partial) holds one SubmissionResult per line, written as each
result arrives, so a run cut short loses nothing it finished.
"""

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path


class ReportError(Exception):
    """A report file that is missing or cannot be read; the message says what to run."""


@dataclass
class CellResult:
    grade_id: str
    points: float
    max_points: float
    status: str  # passed, failed, timeout, memory, output, crashed, not_run
    message: str
    mistake: str | None = None
    manual_points: float | None = None  # a grader's score in formgrader, which counts

    @property
    def counted_points(self):
        """The points that count: a grader's score when there is one."""
        return self.points if self.manual_points is None else self.manual_points


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    status: str  # graded, timeout, memory, output, crashed, or a notebook problem
    score: float
    max_score: float
    cells: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # integrity findings, renamed notebook, ...
    message: str = ""
    review: bool = False  # the in-kernel checks disagree with the isolated ones
    checksum: str = ""  # SHA-256 of the graded notebook, for resuming
    sandbox: str = ""  # how the learner's code was confined
    usage: dict = field(default_factory=dict)  # peak processes, memory and disk bytes; CPU s
    seconds: float = 0.0
    submitted_at: str = ""  # the exchange's timestamp (ISO, UTC), "" when unknown
    due: str = ""  # the due date that applied (ISO, UTC), "" when none
    seconds_late: float = 0.0
    late_penalty: float = 0.0  # points taken off for late work
    late_message: str = ""
    final_score: float | None = None  # points with a grader's changes, less the penalty
    comments: dict = field(default_factory=dict)  # solution grade_id -> a grader's comment

    @property
    def counted_score(self):
        """The score that counts: with a grader's changes and the late penalty when known."""
        return self.score if self.final_score is None else self.final_score

    def to_dict(self):
        return asdict(self)


def _known_fields(cls, entry):
    names = {item.name for item in fields(cls)}
    return {key: value for key, value in entry.items() if key in names}


def result_from_dict(entry):
    """A SubmissionResult from its to_dict() form (a report entry, a journal line, a result
    from a distributed worker); keys this version does not know are left out."""
    entry = _known_fields(SubmissionResult, entry)
    entry["cells"] = [CellResult(**_known_fields(CellResult, cell))
                      for cell in entry.get("cells", [])]
    return SubmissionResult(**entry)


def default_report_path(root, assignment):
    return Path(root) / "reports" / f"{assignment}.json"


def journal_path(report_path):
    """Where a grading run writing ``report_path`` journals its results as they arrive."""
    return report_path.with_name(report_path.name + ".partial")


def read_report(path, assignment):
    """The report file at ``path`` as a dict. Raises ReportError when it is missing or not a
    grading report."""
    if not path.is_file():
        raise ReportError(f"no report at {path}; run `course grade {assignment}` first (or pass "
                          "--report FILE)")
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ReportError(f"{path} is not a grading report ({error}); run `course grade "
                          f"{assignment}` again") from None
    if not isinstance(report, dict) or not isinstance(report.get("students"), list):
        raise ReportError(f"{path} is not a grading report (no list of students); run "
                          f"`course grade {assignment}` again")
    for entry in report["students"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("student"), str) or \
                not isinstance(entry.get("cells", []), list):
            raise ReportError(f"{path} is not a grading report (an entry of its students has "
                              f"no student name or cells); run `course grade {assignment}` "
                              "again")
    return report


def results_of(report):
    """The SubmissionResults of a report dict."""
    return [result_from_dict(entry) for entry in report["students"]]


def write_report(path, report):
    """Write ``report`` (a dict) to ``path`` whole, then move it into place: never a
    half-written report."""
    writing = path.with_name(path.name + ".writing")
    writing.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    os.replace(writing, path)


def with_results(report, results):
    """``report`` with its students' entries (and the review list) from ``results``."""
    return dict(report, flagged_for_review=[result.student for result in results
                                            if result.review],
                students=[result.to_dict() for result in results])


def previous_results(report_path, assignment, with_journal=True):
    """student -> SubmissionResult from an earlier report and, unless ``with_journal`` is
    false, the journal of an interrupted run (its entries are newer)."""
    previous = {}
    if report_path.is_file():
        for result in results_of(read_report(report_path, assignment)):
            previous[result.student] = result
    journal = journal_path(report_path)
    if with_journal and journal.is_file():
        for line in journal.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut short by the interruption
            previous[entry["student"]] = result_from_dict(entry)
    return previous


class Journal:
    """The journal of a grading run: one result per line, flushed as each arrives."""

    def __init__(self, report_path, resume):
        self.path = journal_path(report_path)
        self.file = open(self.path, "a" if resume else "w", encoding="utf-8")

    def write(self, result):
        self.file.write(json.dumps(result.to_dict()) + "\n")
        self.file.flush()

    def close(self):
        self.file.close()

    def discard(self):
        """The report is written: the journal is no longer needed."""
        self.path.unlink(missing_ok=True)
