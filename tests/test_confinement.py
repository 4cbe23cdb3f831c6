"""Grading confined: submissions that flood processes and threads, write far past the disk bound
(to the working folder and to /tmp), fill memory across processes and spin on every core are
graded in one class with honest ones. Measured from the host while the class runs, each
sandbox stays within its bounds plus a small margin, each attacker gets its status, nothing
outlives the run, and the honest students' scores equal those of a run without the attackers.

The measurements here are made independently of autograder.confine's watchdog: every
sandbox started by this test process is found through the process tree and told apart by its
PID namespace."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest

import submissions
from autograder.confine import enforcement
from autograder.grading import grade_class
from autograder.running import Limits
from autograder.sandbox import availability, processes_bound, runs_as_root

ASSIGNMENT = "initialization"
HE = "initialize_parameters_he"
# The time limits are far above the CPU bound, so that the spinner runs out of CPU time before
# any clock, however loaded the machine.
LIMITS = {"cell_seconds": 120, "total_seconds": 600, "memory_mb": 1024, "output_chars": 50_000,
          "processes": 24, "disk_mb": 64, "cpu_seconds": 10, "cpus": 1.0}
MB = 1024 * 1024
MARGIN = {"tasks": 2,  # the sandbox's outer process (bwrap) and the launcher's moment
          "memory": 256 * MB,  # what can be allocated between two looks of the watchdog
          "disk": 0,
          "cpu": 5.0}  # CPU used between two looks, on every core

SPIN = ("import os, threading\n"
        "def spin():\n    while True:\n        pass\n"
        "for _ in range(os.cpu_count()):\n    threading.Thread(target=spin, daemon=True).start()\n"
        "for _ in range(os.cpu_count()):\n    if os.fork() == 0:\n        spin()\n"
        "spin()\n")
ATTACKS = {
    # attacker -> (the He solution's body, the status it must get)
    "fork_flood": ("import os, time\nfor _ in range(1000):\n    if os.fork() == 0:\n"
                   "        time.sleep(300)\n        os._exit(0)\n", "processes"),
    "thread_flood": ("import threading, time\nfor _ in range(1000):\n"
                     "    threading.Thread(target=time.sleep, args=(300,), daemon=True).start()\n",
                     "processes"),
    "disk_working_folder": ("for i in range(1000):\n"
                            "    open(f'junk{i}.bin', 'wb').write(b'x' * 10**6)\n", "disk"),
    "disk_one_file": ("with open('junk.bin', 'wb') as junk:\n    for i in range(1000):\n"
                      "        junk.write(b'x' * 10**6)\n        junk.flush()\n", "disk"),
    "disk_tmp": ("for i in range(1000):\n"
                 "    open(f'/tmp/junk{i}.bin', 'wb').write(b'x' * 10**6)\n", "disk"),
    "memory_processes": ("import os, time\nfor _ in range(8):\n    if os.fork() == 0:\n"
                         "        hog = bytearray(200 * 2**20)\n        time.sleep(300)\n"
                         "        os._exit(0)\n    time.sleep(0.5)\ntime.sleep(300)\n", "memory"),
    "spin_every_core": (SPIN, "cpu"),
}

pytestmark = pytest.mark.skipif(not availability()[0] or not processes_bound()[0],
                                reason="needs the bubblewrap sandbox with a processes bound")


def honest_class(folder):
    """Two correct submissions and one with a wrong He initialization (2 of 4 points)."""
    submissions.write_submission(folder / "ada" / ASSIGNMENT, ASSIGNMENT)
    submissions.write_submission(folder / "grace" / ASSIGNMENT, ASSIGNMENT)
    submissions.write_submission(
        folder / "linus" / ASSIGNMENT, ASSIGNMENT,
        {HE: 'parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))\n'
             'parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))'})


# ------------------------------------------------------------------ measuring from the host

def _stat(pid):
    with open(f"/proc/{pid}/stat", "rb") as stat:
        text = stat.read()
    return text[text.rindex(b")") + 2:].split()


def sandboxes_under(root_pid):
    """PID-namespace inode -> the pids of this test's processes in that namespace (one
    namespace per sandbox)."""
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                parents.setdefault(int(_stat(name)[1]), []).append(int(name))
            except (OSError, IndexError):
                pass
    own = os.stat("/proc/self/ns/pid").st_ino
    found, todo = {}, list(parents.get(root_pid, []))
    while todo:
        pid = todo.pop()
        todo.extend(parents.get(pid, []))
        try:
            namespace = os.stat(f"/proc/{pid}/ns/pid").st_ino
        except OSError:
            continue
        if namespace != own:
            found.setdefault(namespace, []).append(pid)
    return found


def figures(pids):
    """Tasks (threads included), memory (PSS of every process plus the /tmp tmpfs), bytes in
    /tmp and CPU seconds of one sandbox's processes."""
    tasks, memory, cpu, disk = 0, 0, 0.0, 0
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = _stat(pid)
            tasks += int(fields[17])
            cpu += sum(int(value) for value in fields[11:15]) / ticks
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                memory += next(int(line.split()[1]) * 1024 for line in rollup
                               if line.startswith("Pss:"))
            tmp = f"/proc/{pid}/root/tmp"
            if not disk and os.stat(tmp).st_dev != os.stat("/tmp").st_dev:  # set up already
                usage = os.statvfs(tmp)
                disk = (usage.f_blocks - usage.f_bfree) * usage.f_frsize
        except (OSError, IndexError, StopIteration):
            continue  # ended meanwhile
    return {"tasks": tasks, "memory": memory + disk, "disk": disk, "cpu": cpu}


class Sampler(threading.Thread):
    """Peak figures per sandbox, sampled every 50 ms while the class is graded, and the CPU
    seconds each sandbox had used at each sample."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peaks = {}
        self.cpu_at = {}  # namespace -> [(monotonic time, CPU seconds)]
        self.stop = threading.Event()

    def run(self):
        me = os.getpid()
        while not self.stop.is_set():
            for namespace, pids in sandboxes_under(me).items():
                peak = self.peaks.setdefault(namespace, dict.fromkeys(MARGIN, 0))
                now = figures(pids)
                for key, value in now.items():
                    peak[key] = max(peak[key], value)
                self.cpu_at.setdefault(namespace, []).append((time.monotonic(), now["cpu"]))
            self.stop.wait(0.05)

    def cores_used(self, window=2.0):
        """The most cores' worth of CPU time any sandbox used over ``window`` seconds."""
        most = 0.0
        for samples in self.cpu_at.values():
            start = 0
            for at, cpu in samples:
                while at - samples[start][0] > window:
                    start += 1
                began, used = samples[start]
                if at - began >= window / 2:
                    most = max(most, (cpu - used) / (at - began))
        return most


# ------------------------------------------------------------------ the class

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    alone = tmp_path_factory.mktemp("honest_alone")
    honest_class(alone)
    mixed = tmp_path_factory.mktemp("with_attackers")
    honest_class(mixed)
    for name, (body, _) in ATTACKS.items():
        submissions.write_submission(mixed / name / ASSIGNMENT, ASSIGNMENT, {HE: body})
    scores_alone = {r.student: r for r in grade_class(ASSIGNMENT, alone, workers=2,
                                                       limits=Limits(**LIMITS))}
    sampler = Sampler()
    sampler.start()
    results = {r.student: r for r in grade_class(ASSIGNMENT, mixed, workers=2,
                                                  limits=Limits(**LIMITS))}
    time.sleep(0.5)
    sampler.stop.set()
    sampler.join()
    left = sandboxes_under(os.getpid())
    return {"alone": scores_alone, "mixed": results, "peaks": sampler.peaks, "left": left,
            "cores": sampler.cores_used()}


@pytest.mark.parametrize("attacker", sorted(ATTACKS))
def test_each_attacker_gets_its_status_and_keeps_its_other_points(graded, attacker):
    result = graded["mixed"][attacker]
    assert result.status == ATTACKS[attacker][1], (result.status, result.message)
    points = {cell.grade_id: cell.points for cell in result.cells}
    assert points[f"test_{HE}"] == 0
    assert result.score == 2.0, [(c.grade_id, c.status, c.message) for c in result.cells]


def test_honest_scores_do_not_change_next_to_attackers(graded):
    for student, alone in graded["alone"].items():
        mixed = graded["mixed"][student]
        assert (mixed.status, mixed.score) == (alone.status, alone.score), student
        assert [(c.grade_id, c.points, c.status) for c in mixed.cells] == \
               [(c.grade_id, c.points, c.status) for c in alone.cells], student
    assert graded["alone"]["ada"].score == 4.0 and graded["alone"]["linus"].score == 2.0


def test_every_sandbox_stays_within_its_bounds(graded):
    peaks = graded["peaks"]
    assert len(peaks) >= 4, "the sampler did not see the sandboxes"
    bounds = {"tasks": LIMITS["processes"], "memory": LIMITS["memory_mb"] * MB,
              "disk": LIMITS["disk_mb"] * MB, "cpu": LIMITS["cpu_seconds"]}
    for namespace, peak in peaks.items():
        for key, bound in bounds.items():
            assert peak[key] <= bound + MARGIN[key], (key, peak)
    # the grader's own watchdog saw the same (its figures include the sandbox's outer process)
    for result in graded["mixed"].values():
        usage = result.usage
        assert usage["processes"] <= bounds["tasks"] + MARGIN["tasks"], result.student
        assert usage["memory"] <= bounds["memory"] + MARGIN["memory"], result.student
        assert usage["disk"] <= bounds["disk"], result.student
        assert usage["cpu"] <= bounds["cpu"] + MARGIN["cpu"], result.student
    # the attacks did reach their bounds: the measurements can see a breach
    assert max(peak["tasks"] for peak in peaks.values()) >= LIMITS["processes"] - 1
    assert max(peak["disk"] for peak in peaks.values()) >= (LIMITS["disk_mb"] - 2) * MB
    assert max(peak["cpu"] for peak in peaks.values()) >= LIMITS["cpu_seconds"] - 1


@pytest.mark.skipif(not enforcement(None, processes_bound())["cores"][0],
                    reason="no cgroups to bound a submission's share of the cores here")
def test_no_sandbox_uses_more_than_its_cores(graded):
    # the spinner runs on every core; its share is measured over windows of 1 to 2 s
    assert 0 < graded["cores"] <= LIMITS["cpus"] + 0.2, graded["cores"]


def test_nothing_outlives_the_run(graded, tmp_path_factory):
    assert graded["left"] == {}, "processes of a sandbox are still running"
    junk = [path for path in tmp_path_factory.getbasetemp().rglob("junk*")]
    assert junk == []


def test_files_that_do_not_fit_the_disk_bound_are_noted(tmp_path):
    folder = tmp_path / "submitted"
    submissions.write_submission(folder / "ada" / ASSIGNMENT, ASSIGNMENT)
    (folder / "ada" / ASSIGNMENT / "weights.bin").write_bytes(b"w" * (3 * MB))
    result, = grade_class(ASSIGNMENT, folder, workers=1, limits=Limits(**{**LIMITS, "disk_mb": 2}))
    assert result.score == 4.0  # the notebook does not need the file
    assert any("do not fit the disk bound (2 MB)" in note for note in result.notes), result.notes


def test_grade_reports_the_bounds_and_refuses_bad_ones(tmp_path):
    folder = tmp_path / "submitted"
    honest_class(folder)
    command = [sys.executable, "-m", "autograder.cli", "grade", ASSIGNMENT, "--quiet",
               "--submissions", str(folder), "--report", str(tmp_path / "report.json"),
               "--gradebook", f"sqlite:///{tmp_path / 'gradebook.db'}"]
    refused = subprocess.run([*command, "--processes", "2"], capture_output=True, text=True,
                             timeout=600)
    assert refused.returncode != 0
    assert refused.stderr.strip() == "course grade: --processes must be at least 4 (got 2)"
    done = subprocess.run([*command, "--processes", "20", "--disk-mb", "32", "--cpu-seconds",
                           "100", "--workers", "1"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    bounds = json.loads((tmp_path / "report.json").read_text())["bounds"]
    assert {name: entry["limit"] for name, entry in bounds.items()} == \
           {"processes": 20, "disk": 32, "memory": 3072, "cpu": 100.0, "cores": 1.0}
    assert bounds["processes"]["enforced"] and bounds["disk"]["enforced"], bounds
    for name, entry in bounds.items():  # loud about exactly the bounds that do not hold
        warning = f"WARNING: the {name} bound does not hold on this host"
        assert (warning in done.stderr) == (not entry["enforced"]), (name, done.stderr)
    started_by = json.loads((tmp_path / "report.json").read_text())["sandbox_started_by"]
    if runs_as_root():  # said loudly, in the output and in the report
        assert "WARNING: the sandbox runs as root: " in done.stderr
        assert started_by.startswith("root (")
    else:
        assert "runs as root" not in done.stderr and not started_by.startswith("root")


def test_grade_says_loudly_which_bounds_do_not_hold_without_the_sandbox(tmp_path):
    folder = tmp_path / "submitted"
    submissions.write_submission(folder / "ada" / ASSIGNMENT, ASSIGNMENT)
    done = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", ASSIGNMENT, "--quiet", "--no-sandbox",
         "--submissions", str(folder), "--report", str(tmp_path / "report.json"),
         "--gradebook", f"sqlite:///{tmp_path / 'gradebook.db'}", "--workers", "1"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "COURSE_SANDBOX": "off"})
    assert done.returncode == 0, done.stderr
    assert "WARNING: the processes bound does not hold on this host" in done.stderr
    assert "WARNING: the disk bound does not hold on this host" in done.stderr
    bounds = json.loads((tmp_path / "report.json").read_text())["bounds"]
    assert not bounds["processes"]["enforced"] and not bounds["disk"]["enforced"]


# ------------------------------------------------------------------ why the grader user

FORKS = ("import os, resource, time\n"
         "resource.setrlimit(resource.RLIMIT_NPROC, (8, 8))\n"
         "started = 0\n"
         "for _ in range(30):\n"
         "    try:\n        pid = os.fork()\n    except OSError:\n        break\n"
         "    if pid == 0:\n        time.sleep(30)\n        os._exit(0)\n"
         "    started += 1\n"
         "print(started, flush=True)\n"
         "os.read(0, 1)\n")  # its children live until told to end


def sandbox_that_forks(prefix):
    """A process in a minimal bubblewrap sandbox, started with ``prefix``, that forks as many
    sleeping children as RLIMIT_NPROC = 8 lets it, says how many, and ends (with them) when
    its stdin is closed. The system's Python runs it: every user can read it."""
    command = [*prefix, "bwrap", "--unshare-all", "--unshare-user", "--uid", "65534", "--gid",
               "65534", "--die-with-parent", "--ro-bind", "/usr", "/usr", "--proc", "/proc",
               "--dev", "/dev"]
    for name in ("bin", "lib", "lib64"):
        if os.path.islink(f"/{name}"):
            command += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
    return subprocess.Popen([*command, "/usr/bin/python3", "-c", FORKS], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)


def forked(sandbox):
    line = sandbox.stdout.readline()
    assert line.strip().isdigit(), f"the sandbox did not start: {line!r}"
    return int(line)


def end(*sandboxes):
    for sandbox in sandboxes:
        sandbox.stdin.close()
        sandbox.wait(timeout=60)


@pytest.mark.skipif(os.geteuid() != 0 or not os.path.exists("/usr/bin/python3"),
                    reason="shows what the kernel does for root")
def test_the_kernel_counts_processes_per_sandbox_only_for_an_unprivileged_user():
    from autograder.confine import user_prefix
    as_root = sandbox_that_forks([])
    try:
        assert forked(as_root) == 30  # started by root: RLIMIT_NPROC is ignored
    finally:
        end(as_root)
    as_grader = user_prefix()
    first = sandbox_that_forks(as_grader)
    second = None
    try:
        # 8 tasks each, the sandbox's init and the Python process among them; the second
        # sandbox of the same user, started while the first one's children live, has its own
        assert forked(first) == 6
        second = sandbox_that_forks(as_grader)
        assert forked(second) == 6
    finally:
        end(first, *([second] if second else []))
