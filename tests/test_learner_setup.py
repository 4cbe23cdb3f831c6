"""A learner's work is never lost: scripts/setup and scripts/start copy the notebooks into
work/ and never overwrite a copy the learner changed, also when the course is updated; a
set-up refuses an unsupported Python in one sentence; `course build` leaves edited notebooks
alone."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import workspace

ROOT = Path(__file__).resolve().parent.parent


def tracked_copy(destination):
    """The course as a fresh clone has it (the files git tracks, as they are now)."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, names):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def add_note(path, text):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"].append({"cell_type": "markdown", "id": "learner-note", "metadata": {},
                              "source": text})
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")


def has_note(path, text):
    return any(cell.get("source") == text
               for cell in json.loads(path.read_text(encoding="utf-8"))["cells"])


@pytest.fixture
def course(tmp_path):
    """A copy of the course that shares this .venv (no install), as a learner's clone."""
    course = tracked_copy(tmp_path / "course")
    (course / ".venv").symlink_to(ROOT / ".venv")
    return course


def run(course, *command, **env):
    done = subprocess.run(list(command), cwd=course, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=600)
    return done


def start(course, *arguments):
    """scripts/start as a learner runs it; `--version` makes JupyterLab exit at once."""
    return run(course, "scripts/start", *(arguments or ("--version",)))


def test_start_copies_the_notebooks_and_never_overwrites_the_learners_work(course):
    first = start(course)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "copied" in first.stdout and "into work/" in first.stdout
    work = course / "work"
    assert (work / "index.ipynb").is_file()
    assert (work / "release" / "optimization" / "optimization.ipynb").is_file()
    lecture = work / "notebooks" / "data_splits.ipynb"
    add_note(lecture, "my note on dev sets")

    # the same run again, and the set-up alone: nothing of the learner's changes
    for command in (["scripts/setup"], ["scripts/start", "--version"]):
        done = run(course, *command)
        assert done.returncode == 0, done.stdout + done.stderr
        assert has_note(lecture, "my note on dev sets")

    # the course is updated (as `git pull` would): a new version of two notebooks
    add_note(course / "notebooks" / "data_splits.ipynb", "a new section from the course")
    add_note(course / "release" / "initialization" / "initialization.ipynb", "new hint")
    updated = start(course)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert has_note(lecture, "my note on dev sets")
    assert not has_note(lecture, "a new section from the course")
    assert "a newer version of work/notebooks/data_splits.ipynb is available" in updated.stdout
    assert "scripts/start --take data_splits" in updated.stdout
    untouched = work / "release" / "initialization" / "initialization.ipynb"
    assert has_note(untouched, "new hint"), "a copy the learner never changed follows the course"
    assert "initialization.ipynb updated" in updated.stdout

    taken = start(course, "--take", "data_splits")
    assert taken.returncode == 0, taken.stderr
    assert has_note(lecture, "a new section from the course")
    kept = list(lecture.parent.glob("data_splits.mine-*.ipynb"))
    assert len(kept) == 1 and has_note(kept[0], "my note on dev sets")
    again = start(course)
    assert "newer version" not in again.stdout


def test_take_names_what_it_expected_when_nothing_matches(course):
    start(course)
    done = start(course, "--take", "no_such_notebook")
    assert done.returncode == 2
    assert "no notebook matches 'no_such_notebook'" in done.stderr
    assert "Traceback" not in done.stderr


def test_refresh_keeps_a_copy_it_has_no_record_of(tmp_path):
    course = tracked_copy(tmp_path / "course")
    mine = course / "work" / "index.ipynb"
    mine.parent.mkdir()
    mine.write_text("written before the record existed", encoding="utf-8")
    changes = workspace.refresh(course)
    assert mine.read_text(encoding="utf-8") == "written before the record existed"
    assert "index.ipynb" in changes["newer"]


@pytest.mark.parametrize("python,expected", [
    ("/no/such/python", "is not a program on this machine"),
    (sys.executable + "-not-there", "is not a program on this machine"),
])
def test_setup_names_a_missing_interpreter(course, python, expected):
    done = run(course, "scripts/setup", PYTHON=python)
    assert done.returncode == 2
    assert expected in done.stderr and "3.11, 3.12 or 3.13" in done.stderr


def test_setup_refuses_an_unsupported_python_in_one_sentence(course):
    older = sorted(Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
                   .glob("versions/3.10.*/bin/python3"))
    if not older:
        pytest.skip("no Python older than 3.11 on this machine")
    done = run(course, "scripts/setup", PYTHON=str(older[0]))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "the course runs on Python 3.11, 3.12 or 3.13" in lines[0]
    assert os.path.islink(course / ".venv"), "a refused set-up touches nothing"


def test_course_build_leaves_an_edited_notebook_alone_and_says_how_to_proceed(tmp_path):
    course = tracked_copy(tmp_path / "course")
    notebook = course / "notebooks" / "data_splits.ipynb"
    add_note(notebook, "an instructor's note typed into the notebook")
    twin = course / "notebooks" / "data_splits.py"
    twin.write_text(twin.read_text() + "\n# %% [markdown]\n# A new closing remark.\n")
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "build"], cwd=course,
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert ("notebooks/data_splits.ipynb was edited since it was last built" in done.stderr
            and "notebooks/data_splits.py" in done.stderr and "--force" in done.stderr)
    assert has_note(notebook, "an instructor's note typed into the notebook")
    forced = subprocess.run([sys.executable, "-m", "autograder.cli", "build", "--force"],
                            cwd=course, capture_output=True, text=True)
    assert forced.returncode == 0, forced.stderr
    assert not has_note(notebook, "an instructor's note typed into the notebook")
    assert "A new closing remark." in notebook.read_text()


def test_course_build_rebuilds_a_notebook_nobody_edited(tmp_path):
    course = tracked_copy(tmp_path / "course")
    twin = course / "notebooks" / "data_splits.py"
    twin.write_text(twin.read_text() + "\n# %% [markdown]\n# A new closing remark.\n")
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "build"], cwd=course,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "built notebooks/data_splits.ipynb" in done.stdout
    assert "A new closing remark." in (course / "notebooks" / "data_splits.ipynb").read_text()
