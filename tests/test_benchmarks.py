"""benchmarks/training.py works: in its tiny configuration it trains every case with the course's
NumPy code and with PyTorch, and the two agree on the cost of the first steps to 1e-6. (The full
benchmarks are not part of the test suite: they take minutes and measure the machine.)"""

import json
import os
import subprocess
import sys

import pytest


def test_training_benchmark_runs_and_the_costs_agree(root, tmp_path):
    pytest.importorskip("torch", reason="torch is not installed; the training benchmark compares "
                                        "against it (torch==2.13.0, a learner dependency on Python 3.11)")
    output = tmp_path / "results.json"
    done = subprocess.run([sys.executable, str(root / "benchmarks" / "training.py"), "--quick",
                           "--threads", "1", "--json", str(output)],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, COURSE_PROGRESS="0"))
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(output.read_text())["results"]
    assert {r["case"] for r in results} == {"small", "adam", "wide"}
    for r in results:
        assert r["cost_difference"] <= 1e-6, r
        assert r["steps_compared"] >= 5 and r["numpy_s"] > 0 and r["torch_s"] > 0
        assert abs(r["final_cost_numpy"] - r["final_cost_torch"]) <= 1e-6, r
    assert "ratio" in done.stdout and "machine:" in done.stdout
