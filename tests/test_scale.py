"""Grading at scale: parallel and distributed runs give the serial run's results, the gradebook
can live in PostgreSQL, and grading twice or resuming an interrupted run neither duplicates nor
loses rows."""

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import submissions
from autograder.grading import grade_class
from autograder.suite import load_suite

ASSIGNMENT = "initialization"
# Slow at every call (the probes call it a few dozen times): seconds in all, not minutes.
SLOW_BUT_CORRECT = ("import time\ntime.sleep(0.1)\n"
                    'parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))\n'
                    'parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def comparable(results):
    return [(r.student, r.status, r.score, r.review, sorted(r.notes),
             [(c.grade_id, c.points, c.status, c.message) for c in r.cells]) for r in results]


@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class") / "submitted"
    he = load_suite(ASSIGNMENT).tests["test_initialize_parameters_he"]
    submissions.write_submission(folder / "ada" / ASSIGNMENT, ASSIGNMENT)
    submissions.write_submission(folder / "bo" / ASSIGNMENT, ASSIGNMENT, release=True)
    submissions.write_submission(folder / "cy" / ASSIGNMENT, ASSIGNMENT,
                                 {"initialize_parameters_he": he.mutants["scale_fan_out"]})
    submissions.write_submission(folder / "di" / ASSIGNMENT, ASSIGNMENT,
                                 {"initialize_parameters_zeros": SLOW_BUT_CORRECT})
    (folder / "ed" / ASSIGNMENT).mkdir(parents=True)
    (folder / "ed" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text("not json")
    return folder


@pytest.fixture(scope="module")
def serial(small_class):
    return grade_class(ASSIGNMENT, small_class, workers=1)


def test_parallel_run_equals_serial_run(small_class, serial):
    parallel = grade_class(ASSIGNMENT, small_class, workers=3)
    assert comparable(parallel) == comparable(serial)
    assert [r.score for r in serial] == [4, 0, 2, 4, 0]


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("dask")
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False")
    scheduler = subprocess.Popen(
        [str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
         "--no-dashboard"], stdout=open(logs / "scheduler.log", "w"), stderr=subprocess.STDOUT,
        env=env, start_new_session=True)
    worker = subprocess.Popen(
        [str(bin_dir / "dask"), "worker", address, "--nworkers", "2", "--nthreads", "1",
         "--host", "127.0.0.1", "--no-dashboard", "--local-directory", str(logs)],
        stdout=open(logs / "worker.log", "w"), stderr=subprocess.STDOUT, env=env,
        start_new_session=True)
    try:
        from distributed import Client
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in (worker, scheduler):
            os.killpg(process.pid, signal.SIGTERM)
        for process in (worker, scheduler):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.slow
def test_dask_cluster_gives_the_same_results(small_class, serial, dask_cluster):
    distributed = grade_class(ASSIGNMENT, small_class, scheduler=dask_cluster)
    assert comparable(distributed) == comparable(serial)


def run_cli(*arguments, env=None):
    return subprocess.run([sys.executable, "-m", "autograder.cli", "grade", ASSIGNMENT,
                           "--quiet", *arguments], capture_output=True, text=True, timeout=600,
                          env=env)


def gradebook_rows(url):
    """(student, grade cell, auto score) for every grade row in the gradebook at ``url``."""
    from nbgrader.api import Grade
    from autograder.gradebook import open_gradebook
    gradebook = open_gradebook(url)
    try:
        rows = [(grade.student.id, grade.cell.name, grade.auto_score)
                for grade in gradebook.db.query(Grade).all()]
    finally:
        gradebook.close()
    return sorted(rows)


def test_grading_twice_gives_the_same_gradebook(small_class, tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    report = tmp_path / "report.json"
    for _ in range(2):
        done = run_cli("--submissions", str(small_class), "--gradebook", url,
                       "--report", str(report))
        assert done.returncode == 0, done.stderr
        rows = gradebook_rows(url)
        assert len(rows) == 5 * 3 and len(set(rows)) == len(rows)
    assert rows == gradebook_rows(url)


def test_resuming_an_interrupted_run(small_class, tmp_path, serial):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    report = tmp_path / "report.json"
    journal = tmp_path / "report.json.partial"
    process = subprocess.Popen([sys.executable, "-m", "autograder.cli", "grade", ASSIGNMENT,
                                "--quiet", "--workers", "1", "--submissions", str(small_class),
                                "--gradebook", url, "--report", str(report)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not (journal.exists() and len(journal.read_text().splitlines()) >= 2):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.kill()  # interrupted part-way: no report, a journal of what was done
    process.wait()
    assert not report.exists()
    done_before = {json.loads(line)["student"] for line in journal.read_text().splitlines()}
    done = run_cli("--resume", "--submissions", str(small_class), "--gradebook", url,
                   "--report", str(report))
    assert done.returncode == 0, done.stderr
    entries = json.loads(report.read_text())["students"]
    assert [(e["student"], e["score"]) for e in entries] == [(r.student, r.score) for r in serial]
    assert len(done_before) >= 2 and not journal.exists()
    rows = gradebook_rows(url)
    assert len(rows) == 5 * 3 and len(set(rows)) == len(rows)


# ------------------------------------------------------------------ PostgreSQL

def postgres_binaries():
    for folder in [None, *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]:
        initdb = shutil.which("initdb", path=folder)
        postgres = shutil.which("postgres", path=folder)
        if initdb and postgres:
            return Path(initdb).parent
    return None


@pytest.fixture(scope="module")
def postgres_url():
    binaries = postgres_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed (.ci/run installs Debian's postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="course-pg-"))
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    as_postgres = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as nobody
        as_postgres = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        os.chmod(folder, 0o777)
        shutil.chown(sockets, 65534, 65534)
    done = subprocess.run([*as_postgres, str(binaries / "initdb"), "-D", str(data), "-U",
                           "course", "--auth=trust", "-E", "UTF8"], capture_output=True,
                          text=True)
    if done.returncode != 0:
        pytest.skip(f"PostgreSQL's initdb failed here: {done.stderr[-300:]}")
    port = free_port()
    server = subprocess.Popen([*as_postgres, str(binaries / "postgres"), "-D", str(data), "-p",
                               str(port), "-k", str(sockets), "-c", "listen_addresses=127.0.0.1",
                               "-c", "fsync=off"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    import psycopg2
    deadline = time.monotonic() + 60
    while True:
        try:
            psycopg2.connect(host="127.0.0.1", port=port, user="course", dbname="postgres").close()
            break
        except psycopg2.OperationalError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.skip("PostgreSQL did not start on 127.0.0.1")
            time.sleep(0.2)
    connection = psycopg2.connect(host="127.0.0.1", port=port, user="course", dbname="postgres")
    connection.autocommit = True
    connection.cursor().execute("CREATE DATABASE gradebook")
    connection.close()
    yield f"postgresql://course@127.0.0.1:{port}/gradebook"
    server.terminate()
    server.wait(timeout=30)
    shutil.rmtree(folder, ignore_errors=True)


def test_postgresql_gradebook(small_class, tmp_path, postgres_url, serial):
    for _ in range(2):  # twice: still one row per student and cell
        done = run_cli("--submissions", str(small_class), "--gradebook", postgres_url,
                       "--report", str(tmp_path / "report.json"), "--workers", "2")
        assert done.returncode == 0, done.stderr
    rows = gradebook_rows(postgres_url)
    assert len(rows) == 5 * 3 and len(set(rows)) == len(rows)
    totals = {}
    for student, _, score in rows:
        totals[student] = totals.get(student, 0) + score
    assert totals == {r.student: r.score for r in serial}
