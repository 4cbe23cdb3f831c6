"""The sandbox a grading worker runs in (bubblewrap), so a submission cannot read the reference
solutions, other submissions or the gradebook, cannot change anything outside its own scratch
folder, and has no network.

The worker sees a whitelist of the file system, read-only: the system's /usr (and the usual
symlinks), the Python installation and virtual environment, and the course's `helpers`,
`autograder` and `datasets` folders. Its own scratch folder (a copy of the submission's files)
is the only writable place besides an empty /tmp. PIDs, IPC, network and hostname are
unshared, the process runs as `nobody` inside a user namespace, and it dies with its parent.
"""

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

NOBODY = "65534"


@functools.lru_cache(maxsize=None)
def availability():
    """(True, "bubblewrap") when the sandbox works here, else (False, the reason)."""
    if os.environ.get("COURSE_SANDBOX", "auto") == "off":
        return False, "turned off with COURSE_SANDBOX=off"
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False, "bubblewrap (bwrap) is not installed; install it, e.g. `apt-get install bubblewrap`"
    probe = subprocess.run([*_arguments(Path("/tmp"), ()), "/usr/bin/true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return False, f"bubblewrap cannot create a sandbox here: {probe.stderr.strip()[:300]}"
    return True, "bubblewrap"


def _python_roots():
    """Folders the interpreter needs: the installation and the virtual environment."""
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    return sorted(roots)


def _arguments(scratch, course_paths):
    args = [shutil.which("bwrap") or "bwrap",
            "--unshare-all", "--unshare-user", "--uid", NOBODY, "--gid", NOBODY,
            "--die-with-parent", "--new-session", "--hostname", "grading",
            "--ro-bind", "/usr", "/usr", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
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
    args += ["--bind", str(scratch), str(scratch), "--chdir", str(scratch),
             "--setenv", "HOME", str(scratch), "--setenv", "TMPDIR", "/tmp"]
    return args


def command_prefix(scratch, course_root):
    """The bwrap command line that runs a worker in ``scratch`` (its writable folder), seeing
    only the course packages of ``course_root``; None when no sandbox is available."""
    available, _ = availability()
    if not available:
        return None
    course_root = Path(course_root).resolve()
    course_paths = [course_root / name for name in ("helpers", "autograder", "datasets",
                                                    "course.toml")
                    if (course_root / name).exists()]
    os.chmod(scratch, 0o777)
    return _arguments(Path(scratch).resolve(), course_paths)
