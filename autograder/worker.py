"""The grading worker: a fresh process that runs one notebook's code cells and the probes of its
graded tests, and reports each step as one JSON line on a dedicated pipe.

    python -m autograder.worker EVENTS_FD < job.json

The job is one JSON line on stdin: {"suite": name, "steps": [...], "skip": [step indices],
"limits": {...}} where the limits are every field of autograder.running.Limits and a step is
{"kind": "code", "source": ...}, {"kind": "probe", "grade_id": ...} or {"kind": "replay",
"grade_id": ..., "source": ...}. Events:
{"step": k, "event": "start"} and {"step": k, "event": "done", "status": ..., "error": ...,
"outputs": ...}. Status is ok, error, timeout, memory, output, processes (it could not start
a process or thread: the bound on them), disk (the disk bound or the file-size limit), cpu
(its CPU time ran out) or crashed.

"replay" steps run a test cell as nbgrader would, in the learner's namespace, with its hidden
test judging against reference outputs. They come last: before the first one the worker emits
{"event": "need_reference"} and reads the reference outputs as a second line on stdin, so the
reference never exists in this process while the probes whose results count are running.

The worker never judges anything: the grading process compares the plain outputs with the
reference. Limits here are the soft half (an alarm per step, an address-space limit, a cap on
printed output, limits on processes, file size and CPU time); the parent process enforces the
hard half by killing the worker.
"""

import errno
import io
import json
import os
import resource
import signal
import sys
import traceback

CPU_GRACE_SECONDS = 5  # after the soft CPU limit's signal, before the kernel kills


class StepTimeout(BaseException):
    """Raised by the alarm when a step runs past its time limit."""


class OutputLimit(BaseException):
    """Raised when a step prints more than the output limit."""


class CpuLimit(BaseException):
    """Raised when the process has used its CPU time (SIGXCPU)."""


def _tasks_in_sandbox():
    """Processes and threads in this sandbox (its /proc shows only its own PID namespace)."""
    tasks = 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                tasks += len(os.listdir(f"/proc/{name}/task"))
            except OSError:
                pass  # ended meanwhile
    return tasks


def _bound_hit(error, processes=None):
    """"processes", "memory" or "disk" when ``error`` (or an exception it arose from) says a
    bound was reached: no process or thread could start while the sandbox holds nearly
    ``processes`` tasks; no thread could start below that (its stack did not fit the
    address-space limit); no room to write. Else None."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        thread = isinstance(error, RuntimeError) and "can't start new thread" in str(error)
        refused = thread or (isinstance(error, OSError) and error.errno == errno.EAGAIN)
        if refused and processes and _tasks_in_sandbox() >= processes - 2:
            return "processes"  # fork or clone refused at the bound, not EAGAIN from I/O
        if thread:
            return "memory"
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EFBIG,
                                                          errno.EDQUOT):
            return "disk"
        error = error.__cause__ or error.__context__
    return None


def apply_limits(limits, sandboxed):
    """Set this process's resource limits (inherited by everything it starts)."""
    def cap(kind, soft, hard=None):
        hard = soft if hard is None else hard
        current = resource.getrlimit(kind)[1]
        if current != resource.RLIM_INFINITY:
            soft, hard = min(soft, current), min(hard, current)
        resource.setrlimit(kind, (soft, hard))

    if limits["memory_mb"]:
        cap(resource.RLIMIT_AS, int(limits["memory_mb"]) * 1024 * 1024)
    if limits["disk_mb"]:
        cap(resource.RLIMIT_FSIZE, int(limits["disk_mb"]) * 1024 * 1024)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails with EFBIG
    if limits["cpu_seconds"]:
        seconds = int(float(limits["cpu_seconds"])) + 1
        cap(resource.RLIMIT_CPU, seconds, seconds + CPU_GRACE_SECONDS)
    if limits["processes"] and sandboxed:
        # Counted per user namespace, so per sandbox; outside one it would count every
        # process of this user on the host.
        cap(resource.RLIMIT_NPROC, int(limits["processes"]))


class BoundedOutput:
    """A stand-in for sys.stdout / sys.stderr that counts what the learner prints."""

    def __init__(self, limit):
        self.limit = limit
        self.written = 0
        self.exceeded = False

    def write(self, text):
        self.written += len(text)
        if self.written > self.limit:
            self.exceeded = True
            raise OutputLimit()
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


def _display(*objects, **kwargs):
    """IPython's display() for graded runs: shows nothing."""


def _transform(source):
    """Turn IPython syntax (%magics, !shell) into Python, only when a cell uses it."""
    if not any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()):
        return source
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(source)


def _describe(error):
    frames = traceback.extract_tb(error.__traceback__)
    where = next((f" (line {frame.lineno})" for frame in reversed(frames)
                  if frame.filename.startswith("<cell")), "")
    return f"{type(error).__name__}: {error}{where}"


class Worker:
    def __init__(self, job, events):
        self.job = job
        self.events = events
        limits = job["limits"]  # autograder.running.Limits as a dict
        self.step_seconds = float(limits["cell_seconds"])
        self.output = BoundedOutput(int(limits["output_chars"]))
        sandboxed = os.environ.get("COURSE_SANDBOXED") == "1"
        apply_limits(limits, sandboxed)
        self.processes = int(limits["processes"]) if sandboxed else None
        self.suite = None
        self.have_reference = False
        if any(step["kind"] in ("probe", "replay") for step in job["steps"]):
            from autograder.suite import load_suite
            self.suite = load_suite(job["suite"])
        from autograder.plain import encode
        self.encode = encode
        self.namespace = {"__name__": "__main__", "display": _display}
        self.stdin = sys.stdin  # the parent's channel; the learner's code gets an empty stdin
        sys.stdin = io.StringIO("")

    def emit(self, event):
        self.events.write(json.dumps(event) + "\n")
        self.events.flush()

    def _alarm(self, signum, frame):
        raise StepTimeout()

    def _cpu(self, signum, frame):
        raise CpuLimit()

    def load_reference(self):
        """Read the reference outputs (second stdin line) for the replayed test cells."""
        from autograder import hidden
        from autograder.plain import decode
        self.emit({"event": "need_reference"})
        reference = json.loads(self.stdin.readline() or "{}")
        hidden.provide_reference(self.job["suite"], {grade_id: decode(outputs)
                                                     for grade_id, outputs in reference.items()})
        self.have_reference = True

    def run_step(self, step):
        """(status, error, outputs) for one step."""
        if step["kind"] in ("code", "replay"):
            label = step.get("label") or step.get("grade_id", "")
            code = compile(_transform(step["source"]), f"<cell {label}>", "exec")
            exec(code, self.namespace)
            return "ok", None, None
        from autograder.judging import probe
        test = self.suite.tests[step["grade_id"]]
        return "ok", None, self.encode(probe(test, self.namespace))

    def run(self):
        skip = set(self.job.get("skip", []))
        signal.signal(signal.SIGALRM, self._alarm)
        signal.signal(signal.SIGXCPU, self._cpu)
        sys.stdout = sys.stderr = self.output
        for index, step in enumerate(self.job["steps"]):
            if index in skip:
                continue
            if step["kind"] == "replay" and not self.have_reference:
                self.load_reference()
            self.emit({"step": index, "event": "start"})
            status, error, outputs = "ok", None, None
            try:
                signal.setitimer(signal.ITIMER_REAL, self.step_seconds)
                try:
                    status, error, outputs = self.run_step(step)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except StepTimeout:
                status, error = "timeout", f"took longer than {self.step_seconds:g} s"
            except OutputLimit:
                status, error = "output", f"printed more than {self.output.limit} characters"
            except MemoryError:
                status, error = "memory", "ran out of memory"
            except CpuLimit:
                status, error = "cpu", "used up its CPU time"
            except (Exception, SystemExit, KeyboardInterrupt) as caught:
                status, error = "error", _describe(caught)
                bound = _bound_hit(caught, self.processes)
                if bound == "processes":
                    status, error = bound, f"could not start another process or thread ({error})"
                elif bound == "memory":
                    status, error = bound, f"no memory for another thread ({error})"
                elif bound == "disk":
                    status, error = bound, f"could not write more ({error})"
            if self.output.exceeded:
                status, error = "output", f"printed more than {self.output.limit} characters"
            self.emit({"step": index, "event": "done", "status": status, "error": error,
                       "outputs": outputs})
            if status in ("output", "memory", "cpu", "processes", "disk"):
                break  # the process is no longer trustworthy; the parent restarts it
        self.emit({"event": "finished"})


def main():
    events = os.fdopen(int(sys.argv[1]), "w", buffering=1)
    job = json.loads(sys.stdin.readline())
    # The learner's prints must never reach the parent on stdout/stderr: point fds 1 and 2 at
    # /dev/null so even os.write(1, ...) is harmless.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    if os.environ.get("COURSE_SUBMISSION_FILES"):  # in the sandbox: files onto its tmpfs
        from autograder.confine import copy_submission_files
        copy_submission_files(os.environ["COURSE_SUBMISSION_FILES"], os.getcwd())
    Worker(job, events).run()
    events.flush()
    os._exit(0)  # skip interpreter teardown (atexit handlers the learner may have added)


if __name__ == "__main__":
    main()
