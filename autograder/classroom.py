"""What nbgrader's own tools expect around our grading results, so formgrader, `nbgrader
collect` and `nbgrader release_feedback` keep working on a course graded with `course grade`.

- `nbgrader collect` puts each submission in submitted/<student>/<assignment>/ with the
  exchange's `timestamp.txt` and `submission_secret.txt`.
- Formgrader counts a submission as autograded when autograded/<student>/<assignment>/ exists
  and the gradebook's submission time equals submitted/'s timestamp.txt; its submission page
  shows autograded/<student>/<assignment>/<notebook>.ipynb with the gradebook's scores.
- `nbgrader release_feedback` copies feedback/<student>/<assignment>/<notebook>.html to the
  exchange under a name made from `submission_secret.txt`, and reads `timestamp.txt` beside it.
"""

import json
import os
import shutil
from pathlib import Path

from autograder.notebooks import (NotebookError, grade_id_of, read_notebook, release_text,
                                  role_of, source_of)

EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")


def nbgrader_settings(root):
    """The course's nbgrader_config.py as a traitlets Config (course id, database URL,
    exchange), read the way nbgrader reads it."""
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader
    try:
        return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    except ConfigFileNotFound:
        from traitlets.config import Config
        return Config()


def course_id(root, default):
    settings = nbgrader_settings(root)
    value = settings.get("CourseDirectory", {}).get("course_id")
    return value if isinstance(value, str) and value else default


def _output(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def autograded_notebook(source, submission, result):
    """The notebook formgrader shows for ``result``: the source's structure (given and test
    cells as the release shows them, hidden tests left out), the learner's solution cells and
    the cells they added, and under each test cell the verdict and its message as the cell's
    output."""
    mine, added, anchor = {}, {}, None
    for cell in (submission or {"cells": []})["cells"]:
        grade_id = grade_id_of(cell)
        if grade_id:
            mine.setdefault(grade_id, cell)
            anchor = grade_id
        elif role_of(cell) == "code":
            added.setdefault(anchor, []).append(cell)
    verdicts = {cell.grade_id: cell for cell in result.cells}
    cells = [dict(cell, outputs=[], execution_count=None) for cell in added.get(None, [])]
    for cell in source["cells"]:
        cell = json.loads(json.dumps(cell))
        grade_id, role = grade_id_of(cell), role_of(cell)
        if role != "solution":  # only what the release shows: stock feedback may print it
            cell["source"] = release_text(source_of(cell))
        if role == "solution":
            if grade_id in mine:
                cell["source"] = source_of(mine[grade_id])
            elif submission is None:
                cell["source"] = f"# {result.message}" if result.message else ""
            else:
                cell["source"] = "# (this cell was deleted from the submission)"
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            verdict = verdicts.get(grade_id)
            if verdict is not None:
                cell["outputs"] = [_output(f"{verdict.status}: {verdict.points:g} / "
                                           f"{verdict.max_points:g} points. {verdict.message}\n")]
        cells.append(cell)
        for extra in added.get(grade_id, []) if grade_id else []:
            cells.append(dict(extra, outputs=[], execution_count=None))
    return dict(source, cells=cells)


def write_autograded(autograded, result, source, folder):
    """Write ``autograded``/<student>/<assignment>/ for ``result``: the notebook formgrader
    shows and, when the submission came through the exchange, its timestamp.txt and
    submission_secret.txt."""
    target = Path(autograded) / result.student / result.assignment
    submission = None
    if folder is not None:
        from autograder.planning import find_notebook
        try:
            path, _ = find_notebook(Path(folder), result.assignment)
            submission = read_notebook(path)
        except (NotebookError, OSError):
            submission = None
    notebook = autograded_notebook(source, submission, result)
    target.mkdir(parents=True, exist_ok=True)
    partial = target / f".{result.assignment}.ipynb.partial"
    partial.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, target / f"{result.assignment}.ipynb")
    for name in EXCHANGE_FILES:  # as nbgrader autograde keeps them, for generate_feedback
        (target / name).unlink(missing_ok=True)  # nbgrader leaves its files read-only
        if folder is not None and (Path(folder) / name).is_file():
            shutil.copyfile(Path(folder) / name, target / name)
    return target


def copy_exchange_files(submission_folder, feedback_folder):
    """Copy timestamp.txt and submission_secret.txt from the submission to its feedback folder
    (what `nbgrader release_feedback` reads). Returns False when the submission did not come
    through the exchange (no secret), so its feedback cannot be released through it."""
    copied = False
    for name in EXCHANGE_FILES:
        source = Path(submission_folder) / name
        (Path(feedback_folder) / name).unlink(missing_ok=True)
        if source.is_file():
            shutil.copyfile(source, Path(feedback_folder) / name)
            copied = copied or name == "submission_secret.txt"
    return copied


def apply_lateness(result, folder, deadlines, gradebook_due=None):
    """Set ``result``'s submission time (the exchange's timestamp.txt), the due date that
    applied to its student, how late it was and the late penalty of the course's policy. A
    timestamp.txt that cannot be read becomes a note; the work then counts as on time."""
    from autograder.late import DeadlineError, penalty, submission_time
    result.submitted_at, result.due = "", ""
    result.seconds_late, result.late_penalty, result.late_message = 0.0, 0.0, ""
    try:
        submitted = submission_time(folder)
    except DeadlineError as error:
        result.notes.append(f"{error}; the submission time is unknown, counted as on time")
        submitted = None
    due = deadlines.due_for(result.assignment, result.student, gradebook_due)
    result.submitted_at = submitted.isoformat() if submitted else ""
    result.due = due.isoformat() if due else ""
    if submitted is not None and due is not None and submitted > due:
        result.seconds_late = (submitted - due).total_seconds()
        result.late_penalty, result.late_message = penalty(deadlines.policy,
                                                           result.seconds_late,
                                                           result.max_score)
    return submitted
