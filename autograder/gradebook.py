"""The gradebook: nbgrader's database (SQLite by default, any SQLAlchemy URL), written only by
the grading process, one submission at a time."""

import os
import sys

from autograder.course import course_root

COURSE_ID = "improving-deep-nets"


def default_url(root=None):
    return f"sqlite:///{(root or course_root()) / 'gradebook.db'}"


def with_scripts_on_path():
    """nbgrader runs the `alembic` script by name; make this interpreter's scripts findable
    even when the virtual environment is not activated."""
    scripts = os.path.dirname(sys.executable)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


CONNECT_SECONDS = 10  # an unreachable database server fails after this, not after minutes


def normalise_url(url):
    """A plain postgresql:// URL means the driver the course installs (psycopg2); a PostgreSQL
    server that does not answer fails after CONNECT_SECONDS unless the URL says otherwise."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg2://" + url[len(prefix):]
    if url.startswith("postgresql") and "connect_timeout=" not in url:
        url += ("&" if "?" in url else "?") + f"connect_timeout={CONNECT_SECONDS}"
    return url


def open_gradebook(url=None, root=None):
    from nbgrader.api import Gradebook  # imports SQLAlchemy: only when a gradebook is used

    from autograder.classroom import course_id
    with_scripts_on_path()
    root = root or course_root()
    return Gradebook(normalise_url(url or default_url(root)), course_id(root, COURSE_ID))


def sync_assignment(gradebook, assignment, source):
    """Make sure the assignment, its notebook and its graded cells exist in the gradebook, with
    the points of the source notebook (what nbgrader generate_assignment records)."""
    from autograder.notebooks import grade_id_of, role_of
    gradebook.update_or_create_assignment(assignment)
    gradebook.update_or_create_notebook(assignment, assignment)
    for cell in source["cells"]:
        role, grade_id = role_of(cell), grade_id_of(cell)
        if role == "test":
            gradebook.update_or_create_grade_cell(
                grade_id, assignment, assignment, cell_type="code",
                max_score=float(cell["metadata"]["nbgrader"]["points"]))
        elif role == "solution":
            gradebook.update_or_create_solution_cell(grade_id, assignment, assignment)


def record(gradebook, result, timestamp=None):
    """Write one SubmissionResult's per-cell points, its submission time (``timestamp``, naive
    UTC, as in timestamp.txt) and its late penalty, as nbgrader autograde would: every grade
    is autograded, none waits for a manual grade. Idempotent: grading again overwrites the
    automatic points and keeps what a grader changed in formgrader."""
    gradebook.update_or_create_student(result.student)
    with gradebook.db.no_autoflush:  # nbgrader adds a new submission's rows in one flush
        gradebook.update_or_create_submission(result.assignment, result.student,
                                              timestamp=timestamp)
    for cell in result.cells:
        grade = gradebook.find_grade(cell.grade_id, result.assignment, result.assignment,
                                     result.student)
        grade.auto_score = cell.points
        grade.needs_manual_grade = False
    notebook = gradebook.find_submission_notebook(result.assignment, result.assignment,
                                                  result.student)
    notebook.late_submission_penalty = result.late_penalty or None
    gradebook.db.commit()


def merge_grader_changes(gradebook, result):
    """Copy what a grader changed in formgrader (manual scores, extra credit, comments) from
    the gradebook into ``result`` and set its final score: the points that count, less the
    late penalty, never below zero. A submission absent from the gradebook is left as it is."""
    from nbgrader.api import MissingEntry
    try:
        notebook = gradebook.find_submission_notebook(result.assignment, result.assignment,
                                                      result.student)
    except MissingEntry:
        notebook = None
    manual = {}
    if notebook is not None:
        for grade in notebook.grades:
            if grade.manual_score is not None or grade.extra_credit:
                base = grade.manual_score if grade.manual_score is not None else grade.auto_score
                manual[grade.name] = (base or 0.0) + (grade.extra_credit or 0.0)
        result.comments = {comment.name: comment.manual_comment for comment in notebook.comments
                           if comment.manual_comment}
    total = 0.0
    for cell in result.cells:
        cell.manual_points = manual.get(cell.grade_id)
        total += cell.points if cell.manual_points is None else cell.manual_points
    result.final_score = max(0.0, round(total - (result.late_penalty or 0.0), 6))
    return result


def export_rows(gradebook):
    """One row per (student, assignment) with the score that counts (a grader's changes
    included, the late penalty taken off) and the maximum, for CSV export."""
    rows = []
    for assignment in gradebook.assignments:
        for submission in gradebook.assignment_submissions(assignment.name):
            score = max(0.0, submission.score - (submission.late_submission_penalty or 0.0))
            rows.append({"student": submission.student.id, "assignment": assignment.name,
                         "score": score, "max_score": assignment.max_score})
    return sorted(rows, key=lambda row: (row["student"], row["assignment"]))
