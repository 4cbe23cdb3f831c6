"""Run the test suite on a busy machine, several times in a row, and report every run.

    .venv/bin/python benchmarks/loaded.py                          # the whole suite, 3 runs
    .venv/bin/python benchmarks/loaded.py --runs 1 -- tests/test_lectures.py -x
    .venv/bin/python benchmarks/loaded.py --log-dir test-artifacts/loaded

While the runs last, the machine is kept busy the way a course machine is: one process per core
spinning on the CPU (`--burners N` to change), and a JupyterLab of the course on loopback with
its usual settings (its kernels over TCP, as a learner's), a lecture notebook and an assignment
open in it, their kernels computing in bursts. Each run is `scripts/test` (the README's test
command: pytest on one worker more than the machine has cores) with the arguments after `--`
(default: the whole suite). Printed: each run's pytest summary
line, the load average, and the ten test files that took longest (from pytest's JUnit XML), so
that a slow file is easy to spot. Each run's full output and
XML are kept in `--log-dir`. Exit status 0 when every run passed, else 1.
"""

import argparse
import asyncio
import collections
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "loaded-run-token"
# What the kernels of the open JupyterLab do for the whole run: bursts of work, as a learner's
# experiments would.
BURSTS = """
import time
import numpy as np
rng = np.random.default_rng(0)
while True:
    A = rng.standard_normal((300, 300))
    for _ in range(20):
        A = np.tanh(A @ A.T / 300)
    time.sleep(0.2)
"""


def burner():
    """One process that keeps a core busy until it is stopped."""
    return subprocess.Popen([sys.executable, "-c", "while True:\n    pass"])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lab:
    """A JupyterLab of the course in a scratch copy of release/ and notebooks/, with the
    learner's settings (scripts/jupyter) and a few notebooks open and computing."""

    def __init__(self, folder, notebooks):
        self.folder, self.notebooks = folder, notebooks
        self.process = self.url = None
        self.log = None

    def start(self):
        root = self.folder / "course"
        for name in ("release", "notebooks", "helpers", "datasets"):
            shutil.copytree(ROOT / name, root / name,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        env = dict(os.environ, JUPYTER_CONFIG_PATH=str(ROOT / "scripts" / "jupyter"),
                   PYTHONPATH=str(root))
        for variable in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                         "IPYTHONDIR", "MPLCONFIGDIR"):
            env[variable] = str(self.folder / variable.lower())
        env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
        port = free_port()
        self.log = open(self.folder / "lab.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
             "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", "--LabApp.news_url=None",
             f"--ServerApp.root_dir={root}", *(["--allow-root"] if os.geteuid() == 0 else [])],
            cwd=root, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                self._request("/api/status")
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"JupyterLab did not start; see {self.folder / 'lab.log'}")
                time.sleep(0.5)
        for path in self.notebooks:
            session = json.loads(self._request("/api/sessions", {
                "path": path, "type": "notebook", "name": Path(path).name,
                "kernel": {"name": "python3"}}))
            threading.Thread(target=asyncio.run, args=(self._compute(session["kernel"]["id"]),),
                             daemon=True).start()
        deadline = time.monotonic() + 120
        while self.busy_kernels() < len(self.notebooks):
            if time.monotonic() > deadline:
                raise RuntimeError("the JupyterLab kernels did not start computing; see "
                                   f"{self.folder / 'lab.log'}")
            time.sleep(1)

    def _request(self, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, headers={
            "Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read().decode()

    async def _compute(self, kernel_id):
        """Ask the kernel, over the server's websocket as JupyterLab does, to run BURSTS."""
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        url = self.url.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
        connection = await websocket_connect(HTTPRequest(
            url, headers={"Authorization": f"token {TOKEN}"}))
        await connection.write_message(json.dumps({
            "header": {"msg_id": uuid.uuid4().hex, "msg_type": "execute_request",
                       "username": "learner", "session": uuid.uuid4().hex, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": BURSTS, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        while await connection.read_message() is not None:
            pass  # keep the connection, as an open browser tab does

    def busy_kernels(self):
        """How many of the server's kernels are computing now."""
        kernels = json.loads(self._request("/api/kernels"))
        return sum(kernel["execution_state"] == "busy" for kernel in kernels)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.log:
            self.log.close()


def file_durations(junit_xml):
    """{test file: seconds} from pytest's JUnit XML (setup, call and teardown of its tests)."""
    totals = collections.Counter()
    for case in ElementTree.parse(junit_xml).getroot().iter("testcase"):
        module = case.get("classname", "").split(".")
        # classname is tests.test_x or tests.test_x.TestClass
        name = next((part for part in module if part.startswith("test_")), ".".join(module))
        totals[f"tests/{name}.py"] += float(case.get("time", 0))
    return totals


def summary_line(output):
    """pytest's last line, e.g. '== 412 passed, 3 skipped in 612.31s (0:10:12) =='."""
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1].strip("= ") if lines else "(no output)"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="how many runs (default 3)")
    parser.add_argument("--burners", type=int, default=os.cpu_count() or 1,
                        help="processes that keep a core busy (default: one per core)")
    parser.add_argument("--no-lab", action="store_true", help="do not open a JupyterLab")
    parser.add_argument("--log-dir", type=Path, help="keep every run's output and XML here")
    parser.add_argument("pytest_args", nargs="*", help="after --: pytest's arguments")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.burners < 0:
        parser.error("--runs must be at least 1 and --burners at least 0")
    pytest_args = args.pytest_args
    scratch = Path(tempfile.mkdtemp(prefix="course-loaded-"))
    log_dir = args.log_dir or scratch / "runs"
    log_dir.mkdir(parents=True, exist_ok=True)

    burners, lab, results = [], None, []
    # stopped from outside: stop the burners, JupyterLab and the running pytest too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        burners = [burner() for _ in range(args.burners)]
        if not args.no_lab:
            lab = Lab(scratch / "lab", ["notebooks/optimizers.ipynb",
                                        "release/initialization/initialization.ipynb"])
            lab.start()
        for number in range(1, args.runs + 1):
            load = os.getloadavg()[0]
            busy = lab.busy_kernels() if lab else 0
            print(f"run {number}/{args.runs}: scripts/test {' '.join(pytest_args)} "
                  f"({len(burners)} burners, {busy} JupyterLab kernels computing, "
                  f"load average {load:.1f})", flush=True)
            xml, output = log_dir / f"run{number}.xml", log_dir / f"run{number}.log"
            started = time.monotonic()
            with open(output, "w") as log:
                done = subprocess.run([str(ROOT / "scripts" / "test"), *pytest_args,
                                       f"--junitxml={xml}", "-p", "no:cacheprovider"],
                                      cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            minutes = (time.monotonic() - started) / 60
            line = summary_line(output.read_text(errors="replace"))
            alive = all(process.poll() is None for process in burners)
            busy = lab.busy_kernels() if lab else 0
            results.append((done.returncode, line))
            print(f"  {'PASSED' if done.returncode == 0 else 'FAILED'} in {minutes:.1f} min: "
                  f"{line}; load average now {os.getloadavg()[0]:.1f}; burners "
                  f"{'running' if alive else 'STOPPED'}; {busy} JupyterLab kernels computing; "
                  f"output in {output}", flush=True)
            if xml.exists():
                slowest = file_durations(xml).most_common(10)
                print("  slowest test files: " + ", ".join(
                    f"{name} {seconds:.0f} s" for name, seconds in slowest), flush=True)
    finally:
        for process in burners:
            process.kill()
            process.wait()
        if lab:
            lab.stop()
    passed = sum(code == 0 for code, _ in results)
    print(f"{passed} of {args.runs} runs passed under load")
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
