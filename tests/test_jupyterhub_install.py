"""deploy/jupyterhub/install refuses what it cannot build on in one sentence, before it writes
anything. (The environments it builds are exercised by tests/test_jupyterhub.py.)"""

import os
import subprocess
from pathlib import Path

import pytest

INSTALL = Path(__file__).resolve().parent.parent / "deploy" / "jupyterhub" / "install"


@pytest.mark.parametrize("python, says", [
    ("/nonexistent/python3", "no Python at /nonexistent/python3; set PYTHON="),
    ("/bin/false", "/bin/false must be Python 3.11-3.13 with venv and ensurepip"),
])
def test_install_refuses_an_unusable_python(tmp_path, python, says):
    prefix = tmp_path / "hub"
    done = subprocess.run([str(INSTALL), str(prefix)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHON": python})
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and says in done.stderr, done.stderr
    assert not prefix.exists()
