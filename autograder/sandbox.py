"""The sandbox a grading worker runs in (bubblewrap), so a submission cannot read the reference
solutions, other submissions or the gradebook, cannot change anything outside its own tmpfs,
and has no network.

The worker sees a whitelist of the file system, read-only: the system's /usr (and the usual
symlinks), the Python installation and virtual environment, and the course's `helpers`,
`autograder` and `datasets` folders. Its only writable place is one tmpfs of the submission's
disk bound, mounted on /tmp: the working folder WORKDIR in it starts as a copy of the
submission's files (bound read-only at SUBMISSION_FILES; the worker copies them). / and /dev
are read-only. PIDs, IPC, network and hostname are unshared, the process runs as `nobody`
inside a user namespace (started by an unprivileged host user when grading runs as root, see
autograder/confine.py), and it dies with its parent.
"""

import functools
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import NamedTuple

from autograder.confine import cgroups_prefix, grader_user, user_prefix, v1_cgroups

NOBODY = "65534"
WORKDIR = "/tmp/work"  # the working folder inside the sandbox
SUBMISSION_FILES = "/submission"  # the submission's files, read-only, copied into WORKDIR


class Launch(NamedTuple):
    """How this host starts sandboxes."""
    available: bool
    reason: str  # "bubblewrap", or why there is no sandbox
    as_user: list  # the prefix that starts it as the unprivileged grader user, or []
    processes: tuple  # (enforced, how or why not) for the bound on processes and threads
    as_root_because: str | None = None  # why root starts it although grading runs as root


_LAUNCH_LOCK = threading.Lock()  # grading threads ask at once; the answer is made once


def _launch():
    with _LAUNCH_LOCK:
        return _find_launch()


@functools.lru_cache(maxsize=None)
def _find_launch():
    if os.environ.get("COURSE_SANDBOX", "auto") == "off":
        return Launch(False, "turned off with COURSE_SANDBOX=off", [], (False, "no sandbox"))
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return Launch(False, "bubblewrap (bwrap) is not installed; install it, e.g. `apt-get "
                      "install bubblewrap`", [], (False, "no sandbox"))
    package = [Path(__file__).resolve().parent]  # the user must read the course too

    def probe(prefix):
        return subprocess.run([*prefix, *_arguments(Path("/tmp"), package, 1 << 20),
                               "/usr/bin/true"], capture_output=True, text=True)

    problem = None
    try:
        as_user = user_prefix()
    except RuntimeError as error:
        as_user, problem = [], f"grading runs as root and {error}"
    done = probe(as_user)
    if done.returncode != 0 and as_user:
        problem = (f"grading runs as root and the user {grader_user()[2]!r} cannot start the "
                   f"sandbox ({done.stderr.strip()[:200]})")
        as_user = []
        done = probe([])
    if done.returncode != 0:
        return Launch(False, f"bubblewrap cannot create a sandbox here: "
                      f"{done.stderr.strip()[:300]}", [], (False, "no sandbox"))
    if problem is None:
        who = f"started as the user {grader_user()[2]!r}" if as_user else "as this user"
        processes = (True, f"RLIMIT_NPROC in the sandbox's user namespace, {who}")
    elif v1_cgroups("pids")[0] is not None:
        processes = (True, "a pids cgroup per worker (cgroup v1's pids controller)")
    else:
        processes = (False, f"not bounded: {problem}, and {v1_cgroups('pids')[1]}")
    return Launch(True, "bubblewrap", as_user, processes, problem)


def availability():
    """(True, "bubblewrap") when the sandbox works here, else (False, the reason)."""
    launch = _launch()
    return launch.available, launch.reason


def processes_bound():
    """(enforced, how or why not) for the bound on a submission's processes and threads."""
    return _launch().processes


def runs_as_root():
    """Why root starts the sandbox although grading runs as root and should hand it to the
    grader user (the learner's code is then host root without capabilities, `nobody` in its
    user namespace); None when it does not."""
    launch = _launch()
    return launch.as_root_because if launch.available else None


def _python_roots():
    """Folders the interpreter needs: the installation and the virtual environment."""
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    return sorted(roots)


def _arguments(scratch, course_paths, disk_bytes):
    args = [shutil.which("bwrap") or "bwrap",
            "--unshare-all", "--unshare-user", "--uid", NOBODY, "--gid", NOBODY,
            "--die-with-parent", "--new-session", "--hostname", "grading",
            "--ro-bind", "/usr", "/usr", "--dev", "/dev", "--remount-ro", "/dev",
            "--proc", "/proc", "--size", str(int(disk_bytes)), "--tmpfs", "/tmp"]
    for name in ("bin", "lib", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf"):
        if os.path.exists(name):
            args += ["--ro-bind", name, name]
    for root in _python_roots():
        args += ["--ro-bind", str(root), str(root)]
    for path in course_paths:
        args += ["--ro-bind", str(path), str(path)]
    args += ["--ro-bind", str(scratch), SUBMISSION_FILES, "--dir", WORKDIR, "--chdir", WORKDIR,
             "--setenv", "COURSE_SUBMISSION_FILES", SUBMISSION_FILES,
             "--setenv", "COURSE_SANDBOXED", "1", "--setenv", "HOME", WORKDIR,
             "--setenv", "TMPDIR", "/tmp",
             "--remount-ro", "/"]
    return args


def mounted_course_paths(course_root):
    """The course's files and folders a worker can read in the sandbox (read-only): the
    packages it imports and the datasets. None of them holds a reference solution
    (tests/test_edition.py scans them)."""
    course_root = Path(course_root).resolve()
    return [course_root / name for name in ("helpers", "autograder", "datasets", "course.toml")
            if (course_root / name).exists()]


def command_prefix(scratch, course_root, limits):
    """The command line that runs a worker in a sandbox whose working folder starts as a copy
    of ``scratch``, seeing only the course packages of ``course_root``, within the bounds of
    ``limits`` (an autograder.running.Limits); None when no sandbox is available."""
    launch = _launch()
    if not launch.available:
        return None
    # As root, the worker joins its cgroups before it drops to the grader user; the pids
    # cgroup stands in for RLIMIT_NPROC when root itself starts the sandbox.
    processes = limits.processes if launch.as_root_because and launch.processes[0] else None
    launcher = [*cgroups_prefix(processes, limits.cpus), *launch.as_user]
    course_paths = mounted_course_paths(course_root)
    os.chmod(scratch, 0o755)  # read by the sandbox's user, written by nobody
    return [*launcher, *_arguments(Path(scratch).resolve(), course_paths,
                                   int(limits.disk_mb) * 1024 * 1024)]
