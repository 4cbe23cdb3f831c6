"""Building submitted notebooks for grading tests: the source (or release) notebook with
solution regions replaced, cells edited, deleted or added."""

import json

from autograder.course import course_root, source_notebook
from autograder.notebooks import grade_id_of
from autograder.selftest import mutate, solution_sources


def load(assignment, release=False):
    path = (course_root() / "release" / assignment / f"{assignment}.ipynb" if release
            else source_notebook(assignment))
    return json.loads(path.read_text())


def replace_solutions(notebook, assignment, replacements):
    """Replace the solution region of each solution cell named in ``replacements``
    (grade_id -> body)."""
    solutions = solution_sources(assignment)
    for cell in notebook["cells"]:
        body = replacements.get(grade_id_of(cell))
        if body is not None:
            cell["source"] = mutate(solutions[grade_id_of(cell)], body)
    return notebook


def cell_with(notebook, grade_id):
    return next(cell for cell in notebook["cells"] if grade_id_of(cell) == grade_id)


def code_cell(source):
    """A code cell the learner added (no nbgrader metadata)."""
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
            "execution_count": None}


def write(folder, notebook, name):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    path.write_text(json.dumps(notebook))
    return path


def write_submission(folder, assignment, replacements=None, release=False):
    """A submitted notebook: source (or release) with solution regions replaced."""
    notebook = replace_solutions(load(assignment, release), assignment, replacements or {})
    return write(folder, notebook, assignment)
