"""Per-submission bounds on what grading may take from the host: processes and threads, bytes
written, memory (files in the sandbox's /tmp included) and CPU time.

How each bound is enforced (``enforcement`` says which ones hold on this host, and why not):

- processes and threads: ``RLIMIT_NPROC``, set by the worker inside the sandbox, where the
  kernel counts the tasks of the sandbox's own user namespace. The kernel does not apply it to
  root's processes, so when grading runs as root the sandbox is started as an unprivileged
  host user (``course-grader``, created on first use; ``COURSE_GRADER_USER`` picks another).
  Where that user cannot run the sandbox (it cannot read the Python installation, say), the
  sandbox runs as root and each worker gets a pids cgroup of its own instead (cgroup v1's
  pids controller); without either, the bound does not hold and ``course grade`` says so.
  cgroup v2 is not used.
- bytes written: the sandbox's only writable place is one tmpfs of that size, holding /tmp and
  the working folder (the submission's files are copied into it); / and /dev are read-only.
  ``RLIMIT_FSIZE`` caps any one file, with or without the sandbox.
- memory: ``RLIMIT_AS`` caps each process, and the watchdog in the grading process adds up the
  proportional set size of every process of the submission and the tmpfs's use, four times a
  second, and ends the worker above the bound.
- CPU time: ``RLIMIT_CPU`` caps each process, and the watchdog adds up the CPU time of every
  process of the submission, living or ended, across its restarts.
- share of the cores: as root, each worker gets a cpu cgroup (cgroup v1's CFS quota) of that
  many cores; elsewhere it is not bounded.

Everything a submission starts lives in the sandbox's PID namespace and ends with its worker;
the tmpfs goes with its mount namespace.
"""

import atexit
import functools
import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

GRADER_USER = "course-grader"
POLL_SECONDS = 0.25  # how often the watchdog measures a running worker
_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


# ------------------------------------------------------------------ who runs the sandbox

@functools.lru_cache(maxsize=None)
def grader_user():
    """(uid, gid, name) of the unprivileged host user that runs the sandbox when grading runs
    as root; None when this process is not root. Raises RuntimeError with the reason when no
    such user can be had."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("COURSE_GRADER_USER", GRADER_USER)
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        useradd = shutil.which("useradd")
        if name != GRADER_USER or useradd is None:
            raise RuntimeError(f"no user {name!r} on this host"
                               + ("" if useradd else " and no useradd to create it"))
        for attempt in range(5):  # another grading run may be creating it (passwd lock)
            done = subprocess.run([useradd, "--system", "--user-group", "--no-create-home",
                                   "--home-dir", "/nonexistent", "--shell",
                                   "/usr/sbin/nologin", name], capture_output=True, text=True)
            try:
                entry = pwd.getpwnam(name)
                break
            except KeyError:
                time.sleep(0.2 * (attempt + 1))
        else:
            raise RuntimeError(f"could not create the user {name!r}: "
                               f"{done.stderr.strip()[:200]}")
    if entry.pw_uid == 0:
        raise RuntimeError(f"the user {name!r} is root")
    return entry.pw_uid, entry.pw_gid, name


def user_prefix():
    """The command prefix that drops from root to the grader user (empty when not root).
    Raises RuntimeError when grading runs as root and no grader user can be had."""
    user = grader_user()
    if user is None:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise RuntimeError("setpriv (util-linux) is not installed")
    uid, gid, _ = user
    return [setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]


V1_CONTROLLERS = {"pids": "pids.max", "cpu": "cpu.cfs_quota_us"}  # controller -> its bound
CPU_PERIOD_US = 100_000


@functools.lru_cache(maxsize=None)
def v1_cgroups(controller):
    """The folder under which each worker gets a cgroup of its own in cgroup v1's
    ``controller`` hierarchy ("pids" or "cpu", writable by root), or None with the reason."""
    hierarchy = Path("/sys/fs/cgroup") / controller
    if os.geteuid() != 0:
        return None, f"only root can make {controller} cgroups"
    if not (hierarchy / "cgroup.procs").is_file():
        return None, f"no cgroup v1 {controller} controller at {hierarchy}"
    own = "/"
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            own = path
    folder = hierarchy / own.lstrip("/") / "course-grading"
    try:
        folder.mkdir(exist_ok=True)
        probe = folder / f"probe-{os.getpid()}"
        probe.mkdir(exist_ok=True)
        has_bound = (probe / V1_CONTROLLERS[controller]).is_file()
        probe.rmdir()
    except OSError as error:
        return None, f"cannot make a {controller} cgroup under {folder}: {error.strerror}"
    if not has_bound:
        return None, f"{folder} has no {V1_CONTROLLERS[controller]}"
    _remove_empty(folder)  # left by earlier runs
    atexit.register(_remove_empty, folder)
    return folder, None


def _remove_empty(folder):
    """Remove the cgroups that this process, or a grading process that has ended, made for
    its workers (rmdir fails on a busy one). Another grading process's are left alone: it may
    be about to start a worker in one."""
    for group in folder.glob("worker-*"):
        owner = int(group.name.split("-")[1])
        if owner != os.getpid():
            try:
                os.kill(owner, 0)
                continue  # still running
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
        try:
            group.rmdir()
        except OSError:
            pass


def cgroups_prefix(processes=None, cpus=None):
    """A command prefix that puts the command it starts into fresh cgroup v1 groups: a pids
    group allowing ``processes`` tasks (threads included) besides the sandbox's outer process,
    and a cpu group allowing ``cpus`` cores' worth of time; [] when neither is wanted or
    available. The groups left empty are removed when this process ends."""
    bounds = {"pids": processes and f"{int(processes) + 1}",
              "cpu": cpus and f"{int(float(cpus) * CPU_PERIOD_US)}"}
    joins = []
    for controller, value in bounds.items():
        folder, _ = v1_cgroups(controller)
        if folder is None or not value:
            continue
        group = folder / f"worker-{os.getpid()}-{time.monotonic_ns()}"
        group.mkdir()
        if controller == "cpu":
            (group / "cpu.cfs_period_us").write_text(f"{CPU_PERIOD_US}\n")
        (group / V1_CONTROLLERS[controller]).write_text(f"{value}\n")
        joins.append(str(group / "cgroup.procs"))
    if not joins:
        return []
    # The shell joins the groups before it becomes the next command, so nothing starts outside.
    return ["/bin/sh", "-c", 'for procs in $0; do echo $$ > "$procs" || exit 125; done; '
            'exec "$@"', " ".join(joins)]


def enforcement(sandbox_reason=None, processes=(False, "not bounded")):
    """bound -> (enforced, how, or why not) on this host. ``sandbox_reason`` is None when the
    sandbox works, else why it does not; ``processes`` is the sandbox's own answer for the
    processes bound (see autograder.sandbox.processes_bound)."""
    if sandbox_reason is not None:
        no = f"no sandbox ({sandbox_reason})"
        return {
            "processes": (False, f"not bounded: {no}"),
            "disk": (False, f"only per file (RLIMIT_FSIZE), not in total: {no}"),
            "memory": (True, "per process (RLIMIT_AS), and in total by the watchdog"),
            "cpu": (True, "per process (RLIMIT_CPU), and in total by the watchdog"),
            "cores": (False, f"not bounded: {no}"),
        }
    cpu_groups, why_not = v1_cgroups("cpu")
    return {
        "processes": processes,
        "disk": (True, "one size-limited tmpfs for /tmp and the working folder; RLIMIT_FSIZE"),
        "memory": (True, "per process (RLIMIT_AS), and processes plus tmpfs in total by the "
                         "watchdog"),
        "cpu": (True, "per process (RLIMIT_CPU), and in total by the watchdog"),
        "cores": (True, "a cpu cgroup per worker (cgroup v1's cfs quota)") if cpu_groups else
                 (False, f"not bounded ({why_not}); each sandbox is its own session, which the "
                         "kernel's autogroup scheduling gives a fair share of the cores"),
    }


# ------------------------------------------------------------------ measuring a worker

def _processes():
    """pid -> (ppid, threads, cpu seconds of the process and its reaped children)."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                text = stat.read()
        except OSError:
            continue  # ended meanwhile
        fields = text[text.rindex(b")") + 2:].split()
        # fields[1] ppid; [11..14] utime, stime, cutime, cstime; [17] threads
        cpu = sum(int(value) for value in fields[11:15]) / _TICKS
        table[int(entry.name)] = (int(fields[1]), int(fields[17]), cpu)
    return table


def _descendants(root, table):
    children = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _memory_bytes(pid):
    """Proportional set size of one process (its share of pages it shares with others)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _tmpfs_bytes(pids):
    """Bytes used in the sandbox's /tmp, seen through a sandboxed process's root; 0 when no
    process of ``pids`` has a /tmp of its own."""
    try:
        host = os.stat("/tmp").st_dev
    except OSError:
        host = None
    for pid in pids:
        path = f"/proc/{pid}/root/tmp"
        try:
            if os.stat(path).st_dev == host:
                continue
            usage = os.statvfs(path)
        except OSError:
            continue
        return (usage.f_blocks - usage.f_bfree) * usage.f_frsize
    return 0


def measure(root):
    """What the process tree under ``root`` takes from the host now: {"processes": tasks
    (threads included), "memory": bytes (processes and tmpfs), "disk": bytes in the
    sandbox's tmpfs, "cpu": seconds}."""
    table = _processes()
    pids = _descendants(root, table)
    disk = _tmpfs_bytes(pids[1:])
    return {"processes": sum(table[pid][1] for pid in pids),
            "memory": sum(_memory_bytes(pid) for pid in pids) + disk,
            "disk": disk,
            "cpu": sum(table[pid][2] for pid in pids)}


class Watchdog:
    """Measures a submission's workers while they run and says when one must end for taking
    more memory or CPU time than its bounds. One per submission: CPU time adds up over the
    workers it restarts."""

    def __init__(self, limits):  # autograder.running.Limits
        self.memory = int(limits.memory_mb) * 1024 * 1024 if limits.memory_mb else None
        self.cpu = float(limits.cpu_seconds) if limits.cpu_seconds else None
        self.cpu_before = 0.0  # CPU seconds of the submission's earlier workers
        self.cpu_now = 0.0
        self.peak = {"processes": 0, "memory": 0, "disk": 0, "cpu": 0.0}
        self.next_at = 0.0

    def start(self):
        """A new worker of the same submission starts."""
        self.cpu_before += self.cpu_now
        self.cpu_now = 0.0
        self.next_at = 0.0

    def check(self, root):
        """(status, message) when the worker under ``root`` must end, else None; measures at
        most every POLL_SECONDS."""
        now = time.monotonic()
        if now < self.next_at:
            return None
        self.next_at = now + POLL_SECONDS
        figures = measure(root)
        self.cpu_now = max(self.cpu_now, figures["cpu"])
        figures["cpu"] = self.cpu_before + self.cpu_now
        for key, value in figures.items():
            self.peak[key] = max(self.peak[key], value)
        if self.memory and figures["memory"] > self.memory:
            return "memory", (f"used more than {self.memory >> 20} MB of memory (its processes "
                              "and its files in /tmp together)")
        if self.cpu and figures["cpu"] > self.cpu:
            return "cpu", f"used more than {self.cpu:g} s of CPU time"
        return None

    @property
    def cpu_exhausted(self):
        return bool(self.cpu) and self.cpu_before + self.cpu_now > self.cpu


def copy_submission_files(source, target):
    """Copy the submission's files (bound read-only at ``source`` in the sandbox) into the
    working folder ``target``, on the sandbox's tmpfs; stops quietly when it is full."""
    source, target = Path(source), Path(target)
    if not source.is_dir():
        return
    try:
        shutil.copytree(source, target, dirs_exist_ok=True, symlinks=False)
    except (OSError, shutil.Error):
        pass
