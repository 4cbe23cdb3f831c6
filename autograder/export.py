"""`course export`: the gradebook's scores as CSV, in three shapes.

- ``plain`` (the default): student, assignment, score, max_score; the score is what counts
  (a grader's changes included, the late penalty taken off).
- ``canvas``: what Canvas's gradebook import reads: the columns Student, ID, SIS User ID, SIS
  Login ID and Section, a "Points Possible" row, then one column per assignment (its title
  from course.toml). The hub login goes in SIS Login ID; a Canvas user id recorded in the
  gradebook (nbgrader's ``lms_user_id``) goes in ID.
- ``long``: one row per student, assignment and test cell: points that count, maximum,
  status (from the grading report, when there is one), the automatic points, a grader's
  adjustment and the submission's late penalty.
"""

import json
from pathlib import Path

from autograder.report import ReportError, read_report

FORMATS = ("plain", "canvas", "long")
CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
LONG_FIELDS = ["student", "assignment", "grade_id", "points", "max_points", "status",
               "auto_points", "manual_adjustment", "late_penalty", "seconds_late"]


def _number(value):
    return "" if value is None else f"{value:g}"


def final_score(submission):
    """The points that count: nbgrader's score (manual scores and extra credit included) less
    the late penalty, never below zero."""
    return max(0.0, submission.score - (submission.late_submission_penalty or 0.0))


def plain(gradebook, **_):
    from autograder.gradebook import export_rows
    header = ["student", "assignment", "score", "max_score"]
    return header, [[row[key] for key in header] for row in export_rows(gradebook)]


def canvas(gradebook, titles=None, section="", **_):
    titles = titles or {}
    assignments = sorted(gradebook.assignments, key=lambda a: list(titles).index(a.name)
                         if a.name in titles else len(titles))
    assignments = [a for a in assignments if a.submissions]
    header = CANVAS_FIXED + [titles.get(a.name, a.name) for a in assignments]
    rows = [["Points Possible", "", "", "", ""] + [_number(a.max_score) for a in assignments]]
    for student in sorted(gradebook.students, key=lambda s: s.id):
        name = ", ".join(part for part in (student.last_name, student.first_name) if part)
        scores = []
        for assignment in assignments:
            submission = next((s for s in assignment.submissions if s.student.id == student.id),
                              None)
            scores.append("" if submission is None else _number(final_score(submission)))
        rows.append([name or student.id, student.lms_user_id or "", "", student.id, section]
                    + scores)
    return header, rows


def _statuses(reports_dir, assignment):
    """(student, grade_id) -> status from reports/<assignment>.json, and the test order."""
    path = Path(reports_dir) / f"{assignment}.json"
    statuses, order = {}, []
    try:
        report = read_report(path, assignment)
    except ReportError:  # not graded yet: the export still lists the gradebook's scores
        return statuses, order
    for entry in report.get("students", []):
        for cell in entry.get("cells", []):
            statuses[(entry.get("student"), cell.get("grade_id"))] = cell.get("status", "")
            if cell.get("grade_id") not in order:
                order.append(cell.get("grade_id"))
    return statuses, order


def long(gradebook, reports_dir=None, **_):
    rows = []
    for assignment in sorted(gradebook.assignments, key=lambda a: a.name):
        statuses, order = _statuses(reports_dir, assignment.name) if reports_dir else ({}, [])
        for submission in sorted(assignment.submissions, key=lambda s: s.student.id):
            penalty = submission.late_submission_penalty or 0.0
            late = submission.total_seconds_late or 0.0
            for notebook in submission.notebooks:
                grades = sorted(notebook.grades, key=lambda g: (
                    order.index(g.name) if g.name in order else len(order), g.name))
                for grade in grades:
                    auto = grade.auto_score
                    manual = grade.manual_score
                    counted = (manual if manual is not None else (auto or 0.0)) + \
                        (grade.extra_credit or 0.0)
                    adjustment = None if manual is None and not grade.extra_credit else \
                        counted - (auto or 0.0)
                    status = statuses.get((submission.student.id, grade.name)) or \
                        ("graded" if auto is not None else "not graded")
                    rows.append([submission.student.id, assignment.name, grade.name,
                                 _number(counted), _number(grade.max_score), status,
                                 _number(auto), _number(adjustment), _number(penalty),
                                 _number(late)])
    return LONG_FIELDS, rows


def export(gradebook, kind="plain", **options):
    """(header, rows) of the export ``kind`` (one of FORMATS)."""
    return {"plain": plain, "canvas": canvas, "long": long}[kind](gradebook, **options)
