"""Formgrader's Autograde button runs `course grade --student` instead of stock nbgrader, and
its Generate Feedback button writes our feedback page.

Stock `nbgrader autograde` runs the learner's notebook in a kernel of the instructor's own
account, unconfined, and trusts whatever the test cells print. Pressed in formgrader, it would
replace our sandboxed results with such stock ones. `nbgrader_config.py` calls
``grade_with_course(c)``: in formgrader (any process but the `nbgrader` command line) the
Autograde converter then keeps the submitted notebook as it is and hands the student to
`course grade ASSIGNMENT --student ID`, which grades in the sandbox, writes the gradebook and
autograded/ itself, and refuses, with its one-sentence reason shown in formgrader's log, when
it cannot grade safely. Generate Feedback renders the student's entry of the grading report
with the graders' changes, the page `course feedback` writes. `nbgrader autograde` and
`nbgrader generate_feedback` typed by hand stay stock: an explicit choice.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool


class CourseGradeFailed(RuntimeError):
    """`course grade` refused or failed; the message is its own explanation."""


class GradeWithCourse(Preprocessor):
    """An Autograde preprocessor that grades the student with `course grade --student` and
    returns the notebook it wrote to autograded/ (so nbgrader writes the same file again)."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        import nbformat

        from autograder.course import find_course_root
        info = resources["nbgrader"]
        folder = Path(resources.get("metadata", {}).get("path") or ".").resolve()
        root = find_course_root(folder)
        if root is None:
            raise CourseGradeFailed(f"{folder} is not inside a course directory")
        command = [sys.executable, "-m", "autograder.cli", "--course", str(root), "grade",
                   info["assignment"], "--student", info["student"], "--quiet"]
        done = subprocess.run(command, capture_output=True, text=True, cwd=root)
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            reason = lines[-1] if lines else f"course grade exited with status {done.returncode}"
            raise CourseGradeFailed(
                f"{reason} -- {info['student']} was not graded; fix that, then press Autograde "
                f"again or run `course grade {info['assignment']}` in a terminal")
        self.log.info("graded by course grade: %s", done.stdout.strip())
        written = root / "autograded" / info["student"] / info["assignment"] / \
            f"{info['notebook']}.ipynb"
        return nbformat.read(written, as_version=4), resources


class CourseFeedbackExporter(HTMLExporter):
    """What formgrader's Generate Feedback writes: our feedback page of the student, from the
    grading report and the graders' changes in the gradebook (the same page `course feedback`
    writes), instead of nbgrader's rendering of the autograded notebook."""

    def from_notebook_node(self, nb, resources=None, **kw):
        from autograder.course import find_course_root, source_notebook, title_of
        from autograder.feedback import render
        from autograder.gradebook import merge_grader_changes, open_gradebook
        from autograder.report import ReportError, read_report, result_from_dict
        from autograder.notebooks import read_notebook
        resources = resources or {}
        info = resources["nbgrader"]
        student, assignment = info["student"], info["assignment"]
        folder = Path(resources.get("metadata", {}).get("path") or ".").resolve()
        root = find_course_root(folder)
        report = root / "reports" / f"{assignment}.json" if root else None
        entries = {}
        if report is not None and report.is_file():
            try:
                students = read_report(report, assignment)["students"]
            except ReportError as error:
                raise CourseGradeFailed(str(error)) from None
            entries = {entry["student"]: entry for entry in students}
        if student not in entries:
            raise CourseGradeFailed(f"{report}: no grading result for {student}; press "
                                    f"Autograde or run `course grade {assignment}` first")
        gradebook = open_gradebook(info.get("db_url"), root)
        try:
            result = merge_grader_changes(gradebook, result_from_dict(entries[student]))
        finally:
            gradebook.close()
        submitted = root / "submitted" / student / assignment / f"{assignment}.ipynb"
        html = render(result.to_dict(), submitted if submitted.is_file() else None,
                      read_notebook(source_notebook(assignment, root)), title_of(assignment, root))
        resources["output_extension"] = ".html"
        return html, resources


def running_nbgrader_command():
    """True in the `nbgrader` command line (nbgrader ..., python -m nbgrader ...)."""
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("")
    return program.name == "nbgrader" or program.parent.name == "nbgrader"


def grade_with_course(c):
    """Route formgrader's Autograde through `course grade` (see the module's docstring)."""
    if running_nbgrader_command() or os.environ.get("COURSE_STOCK_AUTOGRADE") == "1":
        return
    c.Autograde.sanitize_preprocessors = []
    c.Autograde.autograde_preprocessors = ["autograder.formgrader.GradeWithCourse"]
    c.GenerateFeedback.preprocessors = []
    c.GenerateFeedback.exporter_class = "autograder.formgrader.CourseFeedbackExporter"
