"""release/ is exactly what nbgrader generates from source/ now, leaks nothing, and nbgrader's
Validate works on it (the same validator JupyterLab's Validate button calls)."""

import json
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

from autograder.course import assignment_names
from autograder.execution import ipc_options
from autograder.notebooks import read_notebook, role_of
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


def validate(path, cwd):
    with tempfile.TemporaryDirectory(prefix="course-kernel-") as sockets:  # kernel over IPC
        return subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(path),
                               *ipc_options(sockets)], cwd=cwd,
                              capture_output=True, text=True, timeout=600).stdout


@pytest.mark.slow
@pytest.mark.parametrize("assignment", assignment_names())
def test_validate_reports_failing_stubs(root, tmp_path, assignment):
    """`nbgrader validate` on the released stubs (what the Validate button shows a learner who
    has not started): it runs every cell, and each visible check fails with the course's one-line
    "not implemented yet" message, no traceback. The browser test runs past each failure by hand
    in one assignment; that the solutions pass Validate is proven there too, and for every
    assignment the reference passes every visible check in the browser and the source notebook,
    hidden tests included, runs without an error (test_assignments.py)."""
    release = tmp_path / "learner"
    shutil.copytree(root / "release" / assignment, release)
    notebook = release / f"{assignment}.ipynb"
    checks = [cell for cell in read_notebook(notebook)["cells"] if role_of(cell) == "test"]
    output = validate(notebook, release)
    assert f"VALIDATION FAILED ON {len(checks)} CELL(S)!" in output, output[-3000:]
    errors = re.findall(r"The error was:\n\n(.*?)\n\n", output, flags=re.S)
    assert len(errors) == len(checks), output[-3000:]
    for error in errors:
        assert error.strip().startswith("✘ Check failed:"), error
        assert "not implemented yet" in error and "Traceback" not in error, error


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
