"""Where things are: the course directory and its table of contents (course.toml)."""

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def course_root():
    """The nbgrader course directory: $COURSE_ROOT, else the checkout this package lives in."""
    return Path(os.environ.get("COURSE_ROOT", PACKAGE_ROOT)).resolve()


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


def source_notebook(assignment, root=None):
    """source/<assignment>/<assignment>.ipynb: one notebook per assignment."""
    return (root or course_root()) / "source" / assignment / f"{assignment}.ipynb"
