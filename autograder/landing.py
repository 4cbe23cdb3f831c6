"""The course's landing page, index.ipynb, generated from course.toml so it always lists every
assignment and lecture notebook in order."""

import json

from autograder.course import assignments, lectures
from autograder.notebooks import cells_digest

INTRO = """# Improving Deep Neural Networks

Hyperparameter tuning, regularization and optimization — in NumPy, one notebook at a time.

**How to work.** Open an assignment (click its title), read each section, fill in the cells
marked `# YOUR CODE HERE`, and run the check below each one: it tells you what is wrong and
what to revisit. The experiments then show you what your code does. When every check passes,
use the **Validate** button in the notebook's toolbar, then submit the notebook as your course
asks. The lecture notebooks are for exploring: run them, move the sliders and watch the plots.

**Tip.** *Run → Run All Cells* stops at the first cell that fails; fix that one and run again."""


def _duration(minutes):
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest:02d} min" if rest else "")


def _table(heading, kind, folder, entries):
    """A markdown section: one numbered row per entry (title linking to its notebook, what it
    teaches, minutes), in course.toml's order, and the total time."""
    rows = [f"| {index}. [{entry.title}]({folder(entry)}) | {entry.teaches} | "
            f"{entry.minutes}\u00a0min |" for index, entry in enumerate(entries, 1)]
    total = _duration(sum(entry.minutes for entry in entries))
    return (f"## {heading}\n\n{len(entries)} {kind}, about {total} in all.\n\n"
            f"| | what it teaches | time |\n|---|---|---|\n" + "\n".join(rows))


def landing_notebook(root=None):
    """The text of index.ipynb."""
    parts = [INTRO]
    graded, lecture_entries = assignments(root), lectures(root)
    parts.append(_table("Assignments (graded)", "assignments",
                        lambda entry: f"release/{entry.name}/{entry.name}.ipynb", graded))
    if lecture_entries:
        parts.append(_table("Lecture notebooks (interactive, ungraded)", "notebooks",
                            lambda entry: f"notebooks/{entry.name}.ipynb", lecture_entries))
    cells = [{"cell_type": "markdown", "id": f"landing-{index}", "metadata": {},
              "source": text} for index, text in enumerate(parts)]
    notebook = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3",
                                                            "language": "python",
                                                            "name": "python3"},
                                             "language_info": {"name": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    notebook["metadata"]["course"] = {"built_cells": cells_digest(notebook)}
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
