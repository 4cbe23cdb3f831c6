"""Shared fixtures: the course folder, isolated Jupyter/matplotlib settings, and executed
notebooks cached for the whole run (each notebook runs once however many tests, on however
many pytest-xdist workers, read it).

Under pytest-xdist (scripts/test), the tests of a file stay on one worker, so its expensive
module fixtures are built once; the files in SPREAD, whose tests are long and independent,
spread over every worker test by test."""

import fcntl
import hashlib
import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_SCRATCH = tempfile.mkdtemp(prefix="course-tests-")
for variable in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
    os.environ[variable] = os.path.join(_SCRATCH, variable.lower())
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["COURSE_PROGRESS"] = "0"
# Kernels started by the tests find the venv's kernelspec through the data path.
os.environ["JUPYTER_PATH"] = str(Path(os.sys.prefix) / "share" / "jupyter")


def pytest_configure(config):
    from autograder.gradebook import with_scripts_on_path
    with_scripts_on_path()


SPREAD = {"test_browser.py", "test_assignments.py", "test_edition.py", "test_release.py",
          "test_lectures.py"}


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, when it is loaded
def pytest_xdist_make_scheduler(config, log):
    """With ``--dist loadscope`` (scripts/test): a file's tests go to one worker, so that its
    module fixtures are built once, except the files in SPREAD, whose tests go one by one to
    whichever worker is free. (xdist's own file grouping cannot be used: ``--dist loadfile``
    keeps SPREAD's files whole, and ``xdist_group`` marks are lost with pytest 9, which no
    longer lets xdist rename a test.)"""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByFileExceptSpread(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            path = nodeid.split("::", 1)[0]
            return nodeid if Path(path).name in SPREAD else path

    return ByFileExceptSpread(config, log)


def pytest_collection_modifyitems(config, items):
    skip_pytorch_without_torch(items)


def skip_pytorch_without_torch(items):
    """Without torch (the learner's install has it on Python 3.11 only), every test of the
    PyTorch assignment is skipped, saying why."""
    import importlib.util
    try:
        if importlib.util.find_spec("torch") is not None:
            return
    except (ImportError, ValueError):
        pass
    reason = "PyTorch is not installed (the learner's install has it on Python 3.11 only: " \
             "pip install torch==2.13.0)"
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "pytorch" in callspec.params.values():
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory):
    """A folder shared by every worker of this run (the run's own, above each worker's)."""
    folder = tmp_path_factory.getbasetemp()
    return folder.parent if os.environ.get("PYTEST_XDIST_WORKER") else folder


@pytest.fixture(scope="session")
def executed(run_folder):
    """executed(path) -> the notebook at ``path`` run top to bottom in a kernel, once per run:
    the first worker to ask executes it and keeps it in a folder every worker of the run
    shares (locked while it runs); the others read it."""
    import nbformat

    from autograder.execution import execute_notebook
    cache = run_folder / "executed-notebooks"
    cache.mkdir(exist_ok=True)
    in_memory = {}

    def run(path):
        path = Path(path)
        key = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        if key not in in_memory:
            stored = cache / f"{path.stem}-{key}.ipynb"
            with open(cache / f"{path.stem}-{key}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not stored.exists():
                    notebook = execute_notebook(path, allow_errors=True)
                    nbformat.write(notebook, stored)
            in_memory[key] = nbformat.read(stored, as_version=4)
        return in_memory[key]
    return run
