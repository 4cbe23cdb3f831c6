"""Running a planned notebook: the parent side of a grading worker. Start it (sandboxed when a
prefix is given), feed it a job, read its events with deadlines, kill it when a step overruns
(the hard half of every limit), and start a fresh one for the remaining steps, so one bad cell
costs only its own points. The bounds of a run are one Limits value."""

import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field, replace

from autograder.confine import POLL_SECONDS, Watchdog


@dataclass(frozen=True)
class Limits:
    """The bounds of grading one submission; `course grade`'s options default to these.
    Sized for a 2-core, 24 GB machine grading with one worker per core: two submissions take
    at most 2 x 3 GB of memory (their tmpfs included) and each about one core for its time
    limit. A bound of 0 is not enforced."""
    cell_seconds: float = 60.0  # one cell or one graded test
    total_seconds: float = 600.0  # one submission, all restarts included
    memory_mb: int = 3072  # per process (address space) and per submission (processes, /tmp)
    output_chars: int = 200_000  # what the learner's code may print
    processes: int = 64  # processes and threads at once, per submission
    disk_mb: int = 512  # bytes written per submission, working folder and /tmp together
    cpu_seconds: float = 600.0  # CPU time per submission, all its processes and restarts
    cpus: float = 1.0  # cores' worth of time a submission may use at once, where cgroups allow

    def for_suite(self, assignment):
        """These limits with the address space the suite of ``assignment`` declares its
        workers need (e.g. workers that import PyTorch), when that is more than memory_mb."""
        from autograder.suite import memory_needed  # loads the suite: only when grading
        needed = memory_needed(assignment)
        if needed and self.memory_mb and self.memory_mb < needed:
            return replace(self, memory_mb=needed)
        return self

    def to_dict(self):
        """The plain form the worker reads from its job."""
        return asdict(self)


RESTART_STATUSES = ("memory", "output", "cpu", "processes", "disk")  # the worker stops after
GRACE_SECONDS = 3.0  # after the soft alarm, before the hard kill
STARTUP_SECONDS = 30.0  # interpreter start and imports, before the first step


def worker_environment(extra=None):
    """The worker's environment: no inherited secrets beyond PATH and the locale, one BLAS
    thread, no GUI backend, no progress bars, and two malloc arenas (glibc reserves 64 MB of
    address space per thread's arena, which would spend the address-space limit on threads)."""
    keep = ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "COURSE_ROOT", "PYTHONPATH")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env.update({"MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                "MKL_NUM_THREADS": "1", "COURSE_PROGRESS": "0", "PYTHONDONTWRITEBYTECODE": "1",
                "PYTHONHASHSEED": "0", "MALLOC_ARENA_MAX": "2"})
    env.update(extra or {})
    return env


@dataclass
class StepResult:
    status: str  # ok, error, timeout, memory, output, crashed, not_run
    error: str | None = None
    outputs: object = None  # plain encoded probe outputs


@dataclass
class RunResult:
    steps: dict = field(default_factory=dict)  # step index -> StepResult
    restarts: int = 0
    seconds: float = 0.0
    usage: dict = field(default_factory=dict)  # peak processes, memory, disk, total cpu


def _kill(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _read_events(process, fd, limits, started_at, result, reference_line, watchdog=None,
                 next_step=-1):
    """Read events until the worker finishes, dies, overruns or exceeds a bound the watchdog
    measures. Returns the index of the step that was running when it stopped early (None when
    it finished); a bound exceeded between steps is charged to ``next_step``."""
    buffer = b""
    current = None
    step_deadline = time.monotonic() + STARTUP_SECONDS
    total_deadline = started_at + limits.total_seconds
    while True:
        deadline = min(step_deadline, total_deadline)
        wait = deadline - time.monotonic()
        if wait <= 0:
            status = "timeout"
            message = (f"took longer than {limits.cell_seconds:g} s"
                       if step_deadline <= total_deadline else
                       f"the submission's total time limit ({limits.total_seconds:g} s) ran out")
            _kill(process)
            if current is not None:
                result.steps[current] = StepResult(status, message)
            return current if current is not None else -1
        ready, _, _ = select.select([fd], [], [], min(wait, POLL_SECONDS) if watchdog else wait)
        exceeded = watchdog.check(process.pid) if watchdog else None
        if exceeded:
            _kill(process)
            step = current if current is not None else next_step
            if step >= 0:
                result.steps[step] = StepResult(*exceeded)
            return step
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:  # the worker exited
            process.wait()
            if current is not None:
                code = process.returncode
                reason = f"signal {-code}" if code and code < 0 else f"exit code {code}"
                result.steps[current] = StepResult("crashed", f"the process died ({reason})")
            return current if current is not None else -1
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") == "start":
                current = event["step"]
                step_deadline = time.monotonic() + limits.cell_seconds + GRACE_SECONDS
            elif event.get("event") == "done":
                result.steps[event["step"]] = StepResult(event["status"], event.get("error"),
                                                         event.get("outputs"))
                current = None
                step_deadline = time.monotonic() + limits.cell_seconds + GRACE_SECONDS
                if event["status"] in RESTART_STATUSES:
                    _kill(process)
                    return event["step"]
            elif event.get("event") == "need_reference":
                try:
                    process.stdin.write(reference_line)
                    process.stdin.flush()
                except (BrokenPipeError, OSError):
                    pass
            elif event.get("event") == "finished":
                process.wait()
                return None


def run_steps(steps, suite, limits=Limits(), cwd=None, command_prefix=(), env=None,
              reference=None):
    """Run ``steps`` (see autograder.worker) in fresh worker processes and return a RunResult
    with a StepResult for every step. A step that overruns, crashes the process or hits a limit
    is recorded, and a new worker replays the code cells before it (skipping every step that
    failed that way) and goes on with the rest. ``reference`` (grade_id -> encoded reference
    outputs) is handed to the worker only when it asks, after its last probe."""
    limits = limits.for_suite(suite)
    result = RunResult()
    started_at = time.monotonic()
    fatal = set()  # steps that killed or stalled a worker: never run again
    watchdog = Watchdog(limits)
    while True:
        pending = [i for i, step in enumerate(steps) if i not in result.steps]
        if not pending:
            break
        if time.monotonic() - started_at >= limits.total_seconds:
            for index in pending:
                result.steps[index] = StepResult(
                    "not_run", "not run: the submission's total time limit ran out")
            break
        if watchdog.cpu_exhausted:
            for index in pending:
                result.steps[index] = StepResult(
                    "not_run", "not run: the submission's CPU time ran out")
            break
        # Replay code cells that already ran (the namespace is rebuilt); skip finished probes
        # and every step that brought a worker down.
        skip = sorted(fatal | {i for i in result.steps if steps[i]["kind"] != "code"})
        job = {"suite": suite, "steps": steps, "skip": skip, "limits": limits.to_dict()}
        read_fd, write_fd = os.pipe()
        process = subprocess.Popen(
            [*command_prefix, sys.executable, "-m", "autograder.worker", str(write_fd)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(write_fd,), cwd=cwd, env=env or worker_environment(),
            start_new_session=True)
        os.close(write_fd)
        watchdog.start()
        try:
            try:
                process.stdin.write(json.dumps(job).encode() + b"\n")
                process.stdin.flush()
            except BrokenPipeError:
                pass
            reference_line = json.dumps(reference or {}).encode() + b"\n"
            stopped_at = _read_events(process, read_fd, limits, started_at, result,
                                      reference_line, watchdog, pending[0])
        finally:
            os.close(read_fd)
            if process.poll() is None:
                _kill(process)
            try:
                process.stdin.close()
            except OSError:
                pass
        if stopped_at is None:
            for index in pending:  # finished: anything without an event was skipped
                result.steps.setdefault(index, StepResult("not_run", "not run"))
            break
        if stopped_at >= 0:
            fatal.add(stopped_at)
        else:  # died before its first step (startup failure): record and stop
            for index in pending:
                result.steps[index] = StepResult("crashed", "the grading worker failed to start")
            break
        result.restarts += 1
    result.seconds = time.monotonic() - started_at
    result.usage = dict(watchdog.peak)
    return result


def run_plan(steps, assignment, limits, cwd, reference=None, command_prefix=()):
    """Run a plan's steps (autograder.planning.plan) and return (probe results, replay results,
    RunResult), the first two as grade_id -> StepResult. Without ``reference`` the replays
    are left out (the reference run itself needs none)."""
    if reference is None:
        steps = [step for step in steps if step["kind"] != "replay"]
    run = run_steps(steps, assignment, limits=limits, cwd=cwd, command_prefix=command_prefix,
                    reference=reference)
    found = {"probe": {}, "replay": {}}
    for index, step in enumerate(steps):
        if step["kind"] in found:
            found[step["kind"]][step["grade_id"]] = run.steps[index]
    return found["probe"], found["replay"], run
