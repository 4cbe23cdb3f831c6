"""JupyterLab on the release, as a learner starts it: the server loads nbgrader's extensions and
the Validate button's endpoint validates a learner's notebook."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from autograder.course import assignment_names
from autograder.execution import ipc_config, ipc_options
from autograder.notebooks import read_notebook, role_of, source_of

TOKEN = "course-test-token"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, root):
    folder = tmp_path_factory.mktemp("lab")
    shutil.copytree(root / "release", folder / "release")
    # Kernels over IPC, the Validate button's too (nbgrader reads its own configuration)
    config, sockets = folder / "config", folder / "sockets"
    config.mkdir()
    sockets.mkdir()
    (config / "nbgrader_config.json").write_text(json.dumps(ipc_config(sockets)))
    port = free_port()
    log = open(folder / "lab.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
         "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", "--LabApp.news_url=None",
         f"--ServerApp.root_dir={folder}", *ipc_options(),
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=folder, stdout=log, stderr=subprocess.STDOUT,
        # the learner's configuration, as scripts/start gives it
        env=dict(os.environ, JUPYTER_CONFIG_DIR=str(config),
                 JUPYTER_CONFIG_PATH=str(root / "scripts" / "jupyter")))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"JupyterLab did not start:\n{(folder / 'lab.log').read_text()}")
            time.sleep(0.5)
    yield url
    process.terminate()
    process.wait(timeout=30)
    log.close()
    assert "Kernel is running over TCP" not in (folder / "lab.log").read_text(), \
        "a kernel of this JupyterLab used TCP"


def request(url, path, data=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(f"{url}{path}", data=body,
                                 headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(req, timeout=300) as response:
        return response.read().decode()


@pytest.mark.slow
def test_lab_serves_nbgrader_extension(lab):
    page = request(lab, "/lab")
    assert "@jupyter/nbgrader" in page or "nbgrader" in request(lab, "/lab/api/extensions")
    assert json.loads(request(lab, "/nbgrader_version?version=0.9.6"))["success"] is True


@pytest.mark.slow
@pytest.mark.parametrize("assignment", assignment_names())
def test_validate_button_endpoint_reports_failing_stubs(lab, root, assignment):
    """What the Validate button tells a learner who has not started: it runs every cell, and
    each visible check fails with the course's one-line "not implemented yet" message, no
    traceback. (That the reference solutions pass Validate is proven in the browser,
    test_browser.py.)"""
    path = f"release/{assignment}/{assignment}.ipynb"
    checks = [cell for cell in read_notebook(root / path)["cells"] if role_of(cell) == "test"]
    answer = json.loads(request(lab, "/assignments/validate", {"path": path}))
    assert answer["success"] is True, answer
    value = answer["value"]
    value = json.loads(value) if isinstance(value, str) else value
    failed = value.get("failed", [])
    assert [entry["source"] for entry in failed] == [source_of(cell) for cell in checks], value
    for entry in failed:
        error = re.sub(r"<[^>]+>", "", entry["error"]).strip()  # the dialog's colours
        assert error.startswith("✘ Check failed:") and "not implemented yet" in error, error
        assert "Traceback" not in error and "helpers/" not in error, error
