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


def normalise_url(url):
    """A plain postgresql:// URL means the driver the course installs (psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def open_gradebook(url=None, root=None):
    from nbgrader.api import Gradebook  # imports SQLAlchemy: only when a gradebook is used
    with_scripts_on_path()
    return Gradebook(normalise_url(url or default_url(root)), COURSE_ID)


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


def record(gradebook, result):
    """Write one SubmissionResult's per-cell points. Idempotent: grading again overwrites."""
    gradebook.update_or_create_student(result.student)
    gradebook.update_or_create_submission(result.assignment, result.student)
    for cell in result.cells:
        grade = gradebook.find_grade(cell.grade_id, result.assignment, result.assignment,
                                     result.student)
        grade.auto_score = cell.points
    gradebook.db.commit()


def export_rows(gradebook):
    """One row per (student, assignment) with the score and maximum, for CSV export."""
    rows = []
    for assignment in gradebook.assignments:
        for submission in gradebook.assignment_submissions(assignment.name):
            rows.append({"student": submission.student.id, "assignment": assignment.name,
                         "score": submission.score, "max_score": assignment.max_score})
    return sorted(rows, key=lambda row: (row["student"], row["assignment"]))
