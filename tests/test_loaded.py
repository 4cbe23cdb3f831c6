"""benchmarks/loaded.py, the command that runs the suite on a busy machine, works: it runs
pytest the number of times asked while burners keep the cores busy, reports every run's
summary and the slowest test files, and exits 1 when a run fails. (Here on a tiny test file,
without JupyterLab: the real runs take the whole suite.)"""

import subprocess
import sys

TINY = """
import os

def test_passes():
    assert 1 + 1 == 2

def test_fails_on_demand():
    assert os.environ.get("LOADED_TINY_FAIL") != "1"
"""


def run(root, tmp_path, fail):
    test = tmp_path / "test_tiny.py"
    test.write_text(TINY)
    env = {"LOADED_TINY_FAIL": "1" if fail else "0", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, str(root / "benchmarks" / "loaded.py"), "--runs", "2",
                           "--burners", "1", "--no-lab", "--log-dir", str(tmp_path / "runs"),
                           "--", str(test), "-q", "-p", "no:randomly", "--rootdir", str(tmp_path)],
                          capture_output=True, text=True, timeout=300, env=env)


def test_every_run_is_reported_and_a_failure_sets_the_exit_status(root, tmp_path):
    done = run(root, tmp_path, fail=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED in") == 2 and "2 passed" in done.stdout
    assert "1 burners" in done.stdout and "burners running" in done.stdout
    assert "slowest test files:" in done.stdout
    assert "2 of 2 runs passed under load" in done.stdout
    assert (tmp_path / "runs" / "run2.xml").exists() and (tmp_path / "runs" / "run2.log").exists()

    done = run(root, tmp_path, fail=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.count("FAILED in") == 2 and "1 failed, 1 passed" in done.stdout
    assert "0 of 2 runs passed under load" in done.stdout


def test_bad_arguments_get_one_sentence(root):
    done = subprocess.run([sys.executable, str(root / "benchmarks" / "loaded.py"), "--runs", "0"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--runs must be at least 1" in done.stderr
    assert "Traceback" not in done.stderr
