"""release/ is exactly what nbgrader generates from source/ now, leaks nothing, and nbgrader's
extensions load. (What Validate tells a learner about the stubs: test_jupyterlab.py.)"""

import json
import re
import shutil
import subprocess
import sys

import pytest

from autograder.course import assignment_names
from autograder.release import leak_problems


def test_release_leaks_no_solution_or_hidden_test(root):
    assert leak_problems(root) == []


def test_leak_check_catches_a_leak(root, tmp_path):
    shutil.copytree(root / "source", tmp_path / "source")
    shutil.copytree(root / "release", tmp_path / "release")
    shutil.copy(root / "course.toml", tmp_path / "course.toml")
    assignment = assignment_names(root)[0]
    notebook = tmp_path / "release" / assignment / f"{assignment}.ipynb"
    from autograder.notebooks import secret_lines
    from autograder.selftest import solution_sources
    line = next(line for cell in solution_sources(assignment).values()
                for line in secret_lines(cell))
    cells = json.loads(notebook.read_text())
    stub = next(cell for cell in cells["cells"] if cell["cell_type"] == "code"
                and "# YOUR CODE HERE" in "".join(cell["source"]))
    stub["source"] = "".join(stub["source"]).replace("# YOUR CODE HERE", line, 1)
    notebook.write_text(json.dumps(cells))
    (tmp_path / "release" / assignment / "notes.py").write_text("x = 1\n")
    problems = leak_problems(tmp_path)
    assert any("leaks solution" in p for p in problems), problems
    assert any("notes.py should not be in the release" in p for p in problems), problems


def test_nbgrader_extensions_load():
    labextensions = subprocess.run([sys.executable, "-m", "jupyter", "labextension", "list"],
                                   capture_output=True, text=True)
    listing = labextensions.stdout + labextensions.stderr
    line = next((l for l in listing.splitlines() if "@jupyter/nbgrader" in l), "")
    assert "enabled" in line and "OK" in line, listing
    widgets = next((l for l in listing.splitlines() if "jupyterlab-manager" in l), "")
    assert "enabled" in widgets and "OK" in widgets, listing
    server = subprocess.run([sys.executable, "-m", "jupyter", "server", "extension", "list"],
                            capture_output=True, text=True)
    listing = server.stdout + server.stderr
    assert "nbgrader.server_extensions.course_list" in listing
    assert "Validating nbgrader" in listing or "nbgrader" in listing


@pytest.mark.slow
def test_course_check_command_passes(root):
    """`course check` end to end: release/ is what nbgrader generates from source/ now, leaks
    nothing, and every suite's self-test passes (notebook execution is covered per notebook
    elsewhere)."""
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "check", "--no-execute"],
                          cwd=root, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "course check: all good" in done.stdout
    from autograder.course import assignment_names
    for assignment in assignment_names():  # the self-test of every suite, every mutant caught
        caught, total = re.search(rf"self-test of {assignment}'s hidden tests: (\d+) of (\d+) "
                                  "catalogued mistakes caught", done.stdout).groups()
        assert caught == total and int(total) > 0, assignment
