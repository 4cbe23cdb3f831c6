"""The student edition (`course bundle DIR`): everything a graded class hands to its students,
and nothing of the answers.

An edition holds the release notebooks, the lecture notebooks, the landing page, the datasets,
the ``helpers`` package with a learner-only ``pyproject.toml``, the set-up scripts and a student
README. ``DIR/setup`` creates ``DIR/.venv``, copies the notebooks into ``DIR/work/`` and opens
JupyterLab, as ``scripts/start`` does in the full course. ``DIR/.course-edition.json`` lists the
files the edition wrote, so that a later ``course bundle DIR`` can update them without touching
the learner's ``work/`` or ``.venv/``.
"""

import json
import shutil
import tomllib
from pathlib import Path

from autograder.course import assignments, lectures

MARK = ".course-edition.json"
LEARNER_FOLDERS = ("work", ".venv")


class EditionError(ValueError):
    """A bundle that cannot be written; the message says why and what to do."""


def _files_below(folder, pattern="*"):
    return sorted(path for path in folder.rglob(pattern) if path.is_file()
                  and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts)


def copied_files(root):
    """(source path, path in the edition) for every course file the edition carries as is."""
    root = Path(root)
    files = [root / "index.ipynb", root / "constraints.txt",
             root / "scripts" / "setup", root / "scripts" / "start",
             *_files_below(root / "scripts" / "jupyter"),
             *_files_below(root / "release"),
             *sorted((root / "notebooks").glob("*.ipynb")),
             *_files_below(root / "datasets"),
             *_files_below(root / "helpers", "*.py")]
    return [(path, path.relative_to(root)) for path in files]


def student_pyproject(root):
    """The edition's pyproject.toml: the learner's pinned dependencies and the helpers package."""
    project = tomllib.loads((Path(root) / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dependencies = "".join(f'    "{requirement}",\n' for requirement in project["dependencies"])
    return f'''[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "improving-deep-nets-student"
version = "{project["version"]}"
description = "Improving Deep Neural Networks: the student edition (notebooks and helpers)."
requires-python = "{project["requires-python"]}"
dependencies = [
{dependencies}]

[tool.setuptools.packages.find]
include = ["helpers*"]
'''


SETUP = """#!/usr/bin/env bash
# Set up the course (the first time), copy the notebooks into work/ and open JupyterLab.
#   ./setup                 open the course
#   ./setup --take NAME     take the course's newer version of notebook NAME (yours is kept)
# PYTHON=/path/to/python3.12 picks the Python (3.11, 3.12 or 3.13).
set -euo pipefail
cd "$(dirname "$0")"
COURSE_TAKE_COMMAND="./setup --take" exec scripts/start "$@"
"""

GITIGNORE = "/work/\n/.venv/\n__pycache__/\n*.egg-info/\n.ipynb_checkpoints/\n"


def student_readme(root):
    """The edition's README.md: what is in it, how to start, how to hand work in."""
    graded = "\n".join(f"{index}. {entry.title} (`work/release/{entry.name}/{entry.name}.ipynb`, "
                       f"about {entry.minutes} min)"
                       for index, entry in enumerate(assignments(root), 1))
    ungraded = "\n".join(f"- {entry.title} (`work/notebooks/{entry.name}.ipynb`)"
                         for entry in lectures(root))
    return f"""# Improving Deep Neural Networks — your course

Hyperparameter tuning, regularization and optimization, one notebook at a time, in NumPy.

## Start

```bash
./setup
```

The first run makes `.venv/` with what the notebooks need (Python 3.11, 3.12 or 3.13; choose
one with `PYTHON=/path/to/python3.12 ./setup`), copies the notebooks into `work/` and opens
JupyterLab on the table of contents. Later runs open it at once.

**Your work is in `work/`.** Those copies are yours: nothing here ever overwrites a notebook you
changed. When your instructor hands out a newer version of the course, `./setup` tells you which
of your notebooks has a newer version; `./setup --take NAME` takes it and keeps yours beside it
(`NAME.mine-DATE.ipynb`), so you can copy your answers across.

## What is inside

Graded assignments:

{graded}

Lecture notebooks (interactive, ungraded):

{ungraded}

In each assignment, fill in the cells marked `# YOUR CODE HERE` and run the check below each
one: it tells you what is wrong and what to revisit. **Validate** (in the notebook's toolbar)
runs every check. Hand in the notebook from `work/release/` as your course asks (on a
JupyterHub: the Assignments tab's Submit button).

The `helpers` package holds the code every notebook shares (data loading, the given network
code, training loops, plots and the checks); `datasets/` holds the data.
"""


def _generated(root):
    return {Path("pyproject.toml"): student_pyproject(root), Path("setup"): SETUP,
            Path("README.md"): student_readme(root), Path(".gitignore"): GITIGNORE}


def _previous_files(target):
    """The files an earlier edition in ``target`` wrote; raises EditionError when ``target`` is
    a folder that holds something else."""
    if not target.exists():
        return []
    if not target.is_dir():
        raise EditionError(f"{target} is a file; give a folder for the student edition.")
    mark = target / MARK
    if mark.is_file():
        try:
            return [Path(name) for name in json.loads(mark.read_text(encoding="utf-8"))["files"]]
        except (ValueError, KeyError, TypeError):
            raise EditionError(f"{mark} is damaged; give a new folder for the edition.") from None
    if any(target.iterdir()):
        raise EditionError(f"{target} already holds files and is not a student edition (it has "
                           f"no {MARK}); give a new folder, or an earlier edition to update it.")
    return []


def _safe_to_remove(relative):
    return relative.parts and relative.parts[0] not in LEARNER_FOLDERS


def bundle(root, target):
    """Write (or update) the student edition of the course ``root`` in ``target``. Returns
    (written, removed): relative paths. Never touches ``target/work`` or ``target/.venv``."""
    root, target = Path(root), Path(target).resolve()
    if target == root.resolve() or root.resolve() in target.parents:
        raise EditionError(f"{target} is inside the course folder; give a folder outside it.")
    previous = _previous_files(target)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for source, relative in copied_files(root):
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
        written.append(relative)
    for relative, text in _generated(root).items():
        (target / relative).write_text(text, encoding="utf-8")
        written.append(relative)
    (target / "setup").chmod(0o755)
    removed = []
    for relative in sorted(set(previous) - set(written)):
        path = target / relative
        if _safe_to_remove(relative) and path.is_file():
            path.unlink()
            removed.append(relative)
    (target / MARK).write_text(json.dumps({"files": [p.as_posix() for p in written]}, indent=1)
                               + "\n", encoding="utf-8")
    return written, removed
