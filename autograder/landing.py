"""The course's landing page, index.ipynb, generated from course.toml so it always lists every
assignment and lecture notebook in order."""

import json

from autograder.course import assignments, lectures

INTRO = """# Improving Deep Neural Networks

Hyperparameter tuning, regularization and optimization — in NumPy, one notebook at a time.

**How to work.** Open an assignment, read each section, fill in the cells marked
`# YOUR CODE HERE`, and run the check below each one: it tells you what is wrong and what to
revisit. The experiments then show you what your code does. When every check passes, use the
**Validate** button in the notebook's toolbar, then submit the notebook as your course asks.
The lecture notebooks are for exploring: move the sliders and watch the plots."""


def _row(link, entry):
    return f"| [{entry.title}]({link}) | {entry.teaches} | {entry.minutes} min |"


def landing_notebook(root=None):
    """The text of index.ipynb."""
    table = "| | what it teaches | time |\n|---|---|---|"
    parts = [INTRO]
    graded = [_row(f"release/{entry.name}/{entry.name}.ipynb", entry) for entry in assignments(root)]
    parts.append("## Assignments (graded)\n\n" + table + "\n" + "\n".join(
        row.replace("| [", f"| {index}. [", 1) for index, row in enumerate(graded, 1)))
    lecture_rows = [_row(f"notebooks/{entry.name}.ipynb", entry) for entry in lectures(root)]
    if lecture_rows:
        parts.append("## Lecture notebooks (interactive, ungraded)\n\n" + table + "\n" +
                     "\n".join(lecture_rows))
    cells = [{"cell_type": "markdown", "id": f"landing-{index}", "metadata": {},
              "source": text} for index, text in enumerate(parts)]
    notebook = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3",
                                                            "language": "python",
                                                            "name": "python3"},
                                             "language_info": {"name": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
