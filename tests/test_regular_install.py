"""A regular (not editable) install of the instructor tools grades any course directory, in
the sandbox: the instructor environment that deploy/jupyterhub/install builds is one."""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PREFIX = Path(os.environ.get("COURSE_HUB_PREFIX", "/opt/improving-deep-nets-hub"))
COURSE = PREFIX / "instructor" / "bin" / "course"


@pytest.mark.skipif(not COURSE.exists(), reason=f"no regular install at {COURSE} "
                    "(deploy/jupyterhub/install builds it)")
def test_a_regular_install_grades_the_course_directory_it_is_run_in(tmp_path):
    site = subprocess.run([str(COURSE.parent / "python"), "-c",
                           "import autograder; print(autograder.__file__)"],
                          capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert str(PREFIX) in site, "the tools come from the environment, not from a checkout"
    # the sandbox's user must reach the course's helpers: pytest's tmp_path is private to root
    readable = Path(tempfile.mkdtemp(prefix="course-regular-"))
    readable.chmod(0o755)
    course = readable / "another-course"
    course.mkdir()
    for name in ("course.toml", "nbgrader_config.py"):
        shutil.copy(ROOT / name, course / name)
    for folder in ("source", "helpers", "datasets"):
        shutil.copytree(ROOT / folder, course / folder)
    submitted = course / "submitted" / "alice" / "initialization"
    submitted.mkdir(parents=True)
    shutil.copy(ROOT / "source" / "initialization" / "initialization.ipynb", submitted)
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "COURSE_ROOT", "VIRTUAL_ENV")}
    done = subprocess.run([str(COURSE), "grade", "initialization", "--quiet"], cwd=course,
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    try:
        report = json.loads((course / "reports" / "initialization.json").read_text())
        (alice,) = report["students"]
        assert alice["score"] == alice["max_score"] > 0, alice
        assert not report["sandbox"].startswith("NONE"), report["sandbox"]
    finally:
        shutil.rmtree(readable)
