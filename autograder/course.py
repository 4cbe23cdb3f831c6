"""Where things are: the course directory and its table of contents (course.toml)."""

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def find_course_root(start):
    """The folder ``start`` or its nearest parent that holds course.toml (the course
    directory, as nbgrader finds nbgrader_config.py), or None."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / "course.toml").is_file():
            return folder
    return None


def course_root():
    """The nbgrader course directory: $COURSE_ROOT, else the current folder or its nearest
    parent holding course.toml, else the checkout this package lives in (for library use; the
    `course` command never falls back to it)."""
    if os.environ.get("COURSE_ROOT"):
        return Path(os.environ["COURSE_ROOT"]).resolve()
    return find_course_root(Path.cwd()) or PACKAGE_ROOT


@dataclass(frozen=True)
class Entry:
    """One assignment or lecture notebook of the course."""

    name: str
    title: str
    teaches: str
    minutes: int


def _entries(kind, root=None):
    path = (root or course_root()) / "course.toml"
    with open(path, "rb") as handle:
        table = tomllib.load(handle)
    return [Entry(**entry) for entry in table.get(kind, []) if entry.get("title")]


def assignments(root=None):
    return _entries("assignments", root)


def lectures(root=None):
    return _entries("lectures", root)


def assignment_names(root=None):
    return [entry.name for entry in assignments(root)]


def title_of(assignment, root=None):
    """The assignment's title in course.toml (its name when it has none)."""
    return next((entry.title for entry in assignments(root) if entry.name == assignment),
                assignment)


def source_notebook(assignment, root=None):
    """source/<assignment>/<assignment>.ipynb: one notebook per assignment."""
    return (root or course_root()) / "source" / assignment / f"{assignment}.ipynb"
