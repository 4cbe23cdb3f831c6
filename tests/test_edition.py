"""The student edition (`course bundle DIR`) and the grading sandbox hold nothing of the answers,
and the edition installs and runs on every supported Python.

The oracle for "nothing of the answers" is the source notebooks themselves: every distinctive
line of a reference solution or hidden test (a line of those regions that no release notebook
shows as given code) is looked for in every file a student, or a submission in the sandbox,
can read."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import assignment_names, course_root
from autograder.edition import MARK, bundle
from autograder.release import distinctive_solution_lines, files_holding_solutions, solution_cells
from autograder.sandbox import mounted_course_paths

ASSIGNMENT = "initialization"  # the one run end to end in the edition: the quickest


def every_file(folder):
    return sorted(path for path in Path(folder).rglob("*") if path.is_file()
                  and "__pycache__" not in path.parts and ".venv" not in path.parts)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    folder = tmp_path_factory.mktemp("edition") / "course"
    bundle(course_root(), folder)
    return folder


def test_the_scan_knows_many_distinctive_lines_of_every_assignment():
    lines = distinctive_solution_lines()
    per_assignment = {name: sum(1 for a in lines.values() if a == name)
                      for name in assignment_names()}
    assert all(count >= 5 for count in per_assignment.values()), per_assignment


def test_the_scan_finds_a_solution_line_planted_in_a_file(tmp_path):
    line, assignment = next(iter(distinctive_solution_lines().items()))
    planted = tmp_path / "notes.py"
    planted.write_text(f"# harmless\n    {line}\n", encoding="utf-8")
    assert files_holding_solutions([planted]) == [(planted, assignment, line)]


def test_the_edition_holds_what_a_class_hands_out_and_nothing_else(edition):
    names = {path.relative_to(edition).as_posix() for path in every_file(edition)}
    for assignment in assignment_names():
        assert f"release/{assignment}/{assignment}.ipynb" in names
    assert {"index.ipynb", "README.md", "setup", "pyproject.toml", "constraints.txt",
            "scripts/setup", "scripts/start", "datasets/moons.npz", "helpers/network.py",
            "notebooks/data_splits.ipynb", MARK} <= names
    top = {name.split("/")[0] for name in names}
    assert top.isdisjoint({"source", "autograder", "tests", "benchmarks", "deploy"}), top
    assert not [name for name in names if name.startswith("notebooks/") and name.endswith(".py")]
    assert os.access(edition / "setup", os.X_OK)
    pyproject = (edition / "pyproject.toml").read_text()
    assert 'include = ["helpers*"]' in pyproject and "autograder" not in pyproject


def test_no_file_of_the_edition_holds_a_reference_solution_or_hidden_test(edition):
    assert files_holding_solutions(every_file(edition)) == []
    for path in every_file(edition):
        text = path.read_bytes().decode("utf-8", errors="replace")
        # The mistakes' hints are the learner's (helpers/checks); the mutants are not.
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "MUTANTS", "edit(("):
            assert marker not in text, f"{path.relative_to(edition)} holds {marker!r}"


def test_nothing_the_sandbox_mounts_holds_a_reference_solution():
    files = []
    for path in mounted_course_paths(course_root()):
        files += every_file(path) if path.is_dir() else [path]
    assert any(path.name == "worker.py" for path in files)
    assert files_holding_solutions(files) == []


def validate_timeouts(cwd, config_path, monkeypatch):
    """The cell and output timeouts of nbgrader's Validate button, as its server handler reads
    its configuration: the server's working folder first, then the Jupyter configuration path."""
    from nbgrader.preprocessors import Execute
    from nbgrader.server_extensions.validate_assignment.handlers import ValidateAssignmentHandler
    monkeypatch.chdir(cwd)
    if config_path:
        monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(config_path))
    else:
        monkeypatch.delenv("JUPYTER_CONFIG_PATH", raising=False)
    execute = Execute(config=ValidateAssignmentHandler.load_config(None))
    return execute.timeout, execute.iopub_timeout


def test_a_learners_validate_waits_as_long_as_the_course_and_the_hub(edition, monkeypatch):
    """Validate runs the whole notebook; with nbgrader's defaults (4 s for a cell's last output)
    a training cell on a busy laptop fails it. The edition's JupyterLab (started by
    scripts/start with scripts/jupyter on the configuration path, from the edition's folder)
    gets the course directory's and the hub's limits."""
    course = validate_timeouts(course_root(), None, monkeypatch)
    hub = validate_timeouts(course_root() / "deploy" / "jupyterhub", None, monkeypatch)
    learner = validate_timeouts(edition, edition / "scripts" / "jupyter", monkeypatch)
    assert course == hub == learner == (300, 60)


def test_an_existing_folder_that_is_no_edition_is_refused(tmp_path):
    (tmp_path / "thesis.txt").write_text("mine")
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "bundle", str(tmp_path)],
                          capture_output=True, text=True, cwd=course_root())
    assert done.returncode != 0
    assert "is not a student edition" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "thesis.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.txt"]


def test_an_earlier_edition_is_updated_without_touching_the_learners_work(tmp_path):
    folder = tmp_path / "course"
    bundle(course_root(), folder)
    mine = folder / "work" / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    mine.parent.mkdir(parents=True)
    mine.write_text("my answers", encoding="utf-8")
    (folder / "helpers" / "retired.py").write_text("# a file a later edition no longer has\n")
    mark = json.loads((folder / MARK).read_text())
    mark["files"].append("helpers/retired.py")
    (folder / MARK).write_text(json.dumps(mark))
    (folder / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text("stale")
    written, removed = bundle(course_root(), folder)
    assert mine.read_text(encoding="utf-8") == "my answers"
    assert [p.as_posix() for p in removed] == ["helpers/retired.py"]
    fresh = (course_root() / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes()
    assert (folder / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes() == fresh


# ------------------------------------------------------------ installed, on every Python

def supported_pythons():
    """Interpreters to install the edition with: the 3.12 and 3.13 of pyenv, where this machine
    has them. Python 3.11 is covered elsewhere: the whole suite runs on the .venv's 3.11, and
    the JupyterHub install (deploy/jupyterhub/install, tested in test_jupyterhub.py) installs
    this edition into the learners' environment with Debian's own 3.11."""
    found = {}
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates = sorted(Path(pyenv_root).glob("versions/3.1[23].*/bin/python3"))
    for path in candidates:
        if not path.is_file():
            continue
        version = subprocess.run([str(path), "-c", "import sys; print(sys.version.split()[0])"],
                                 capture_output=True, text=True).stdout.strip()
        minor = ".".join(version.split(".")[:2])
        if minor in ("3.12", "3.13") and minor not in found:
            found[minor] = (version, path)
    return [pytest.param(path, id=version) for version, path in found.values()]


def kernel_of(venv, folder):
    """A JUPYTER_PATH under ``folder`` whose python3 kernel is ``venv``'s Python."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f",
                 "{connection_file}"],
        "display_name": "Python 3 (edition)", "language": "python"}))
    return str(folder)


def with_reference_solutions(notebook):
    """The learner's notebook with every graded cell replaced by the reference solution."""
    from autograder.course import source_notebook
    from autograder.notebooks import grade_id_of, read_notebook, role_of
    reference = solution_cells(read_notebook(source_notebook(ASSIGNMENT)))
    for cell in notebook.cells:
        if role_of(cell) == "solution":
            cell.source = reference[grade_id_of(cell)]
    return notebook


@pytest.mark.slow
@pytest.mark.parametrize("python", supported_pythons())
def test_the_edition_installs_and_its_checks_pass_with_the_reference(python, tmp_path,
                                                                     monkeypatch):
    import nbformat

    from autograder.execution import NotebookRun, error_outputs
    from autograder.notebooks import role_of

    folder = tmp_path / "course"
    bundle(course_root(), folder)
    (folder / ".venv").mkdir()  # as an interrupted set-up would leave it
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    done = subprocess.run([str(folder / "scripts" / "setup")], capture_output=True, text=True,
                          env={**env, "PYTHON": str(python)}, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "an earlier set-up did not finish" in done.stdout
    venv = folder / ".venv"
    listed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list",
                             "--format=json"], capture_output=True, text=True, check=True)
    installed = {entry["name"].lower() for entry in json.loads(listed.stdout)}
    assert {"numpy", "jupyterlab", "nbgrader", "improving-deep-nets-student"} <= installed
    assert installed.isdisjoint({"pytest", "playwright", "dask", "jupytext", "psycopg2-binary"})
    no_grader = subprocess.run([str(venv / "bin" / "python"), "-c", "import autograder"],
                               capture_output=True, text=True, cwd=tmp_path)
    assert "No module named 'autograder'" in no_grader.stderr
    copies = subprocess.run([str(venv / "bin" / "python"), "-m", "helpers.workspace",
                             str(folder)], capture_output=True, text=True, cwd=folder)
    assert copies.returncode == 0, copies.stderr
    mine = folder / "work" / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert mine.is_file()

    monkeypatch.setenv("JUPYTER_PATH", kernel_of(venv, tmp_path / "jupyter"))
    stubs = nbformat.read(mine, as_version=4)
    with NotebookRun(mine, notebook=stubs, allow_errors=True) as run:
        assert run.run_code("import sys; print(sys.executable)")[0]["text"].startswith(
            str(venv))
        first_check = next(i for i in run.code_cells() if role_of(stubs.cells[i]) == "test")
        for index in run.code_cells():
            run.run_cell(index)
            if index == first_check:
                break
    failures = [message for index, message in error_outputs(stubs) if index == first_check]
    assert failures and "not implemented" in failures[0], error_outputs(stubs)

    solved = with_reference_solutions(nbformat.read(mine, as_version=4))
    with NotebookRun(mine, notebook=solved, allow_errors=True) as run:
        for index in run.code_cells():
            run.run_cell(index)
    assert error_outputs(solved) == []


def test_every_mutant_is_an_edit_of_the_reference():
    """Mutants are applied to the reference in the grading process; no suite writes one out."""
    from autograder.suite import Edit, load_suite
    for assignment in assignment_names():
        for test in load_suite(assignment).tests.values():
            for name, mutant in test.mutants.items():
                assert isinstance(mutant, Edit), (assignment, test.grade_id, name)
