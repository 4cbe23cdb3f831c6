"""Execute every notebook of the course, cell by cell, and report where the time goes.

    .venv/bin/python benchmarks/notebooks.py                    # every notebook in course.toml
    .venv/bin/python benchmarks/notebooks.py initialization     # only these notebooks
    .venv/bin/python benchmarks/notebooks.py --json times.json

The notebooks are the ones course.toml lists when the script runs: source/NAME/NAME.ipynb for
each assignment (with its solutions, as `course check` and CI execute them) and
notebooks/NAME.ipynb for each lecture. Each runs in a fresh kernel, one at a time, as a
learner's "Run All" would (progress bars included). Reported: the wall time of each notebook
(kernel start included), of each experiment cell and of any other cell that takes more than
half a second, and the kernel's peak memory (its peak resident set size, VmHWM, after each of
those cells and at the end).

Targets, for a 2-core machine: every assignment notebook under 20 s, every lecture notebook
under 20 s and all of them together under a minute, the whole course under 2 minutes. Exit
status 1 when one is missed or a notebook fails, else 0. (The test suite only checks that the
notebooks run; their speed is judged here.) Kernels are started by autograder.execution, as
everywhere in the course.
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ASSIGNMENT_TARGET = 20.0  # seconds, each assignment notebook
LECTURE_TARGET = 20.0  # seconds, each lecture notebook
LECTURES_TARGET = 60.0  # seconds, all lecture notebooks together
COURSE_TARGET = 120.0  # seconds, all notebooks together
SLOW_CELL = 0.5  # seconds: other cells slower than this are listed too


def course_notebooks(root=ROOT):
    """[(kind, name, path)] for every assignment and lecture in course.toml, in its order."""
    from autograder.course import assignments, lectures
    found = [("assignment", entry.name, root / "source" / entry.name / f"{entry.name}.ipynb")
             for entry in assignments(root)]
    found += [("lecture", entry.name, root / "notebooks" / f"{entry.name}.ipynb")
              for entry in lectures(root)]
    return found


def load(path, kind):
    """The notebook at ``path``; built in memory from its text twin when the .ipynb is missing
    or older than the .py (`course build` would do the same)."""
    import nbformat
    text = path.with_suffix(".py")
    if text.exists() and (not path.exists() or text.stat().st_mtime > path.stat().st_mtime):
        from autograder.notebooks import build
        return nbformat.reads(build(text, graded=kind == "assignment"), as_version=4), True
    return nbformat.read(path, as_version=4), False


def peak_memory_mb(pid):
    """The peak resident set size of process ``pid`` in MiB (None where /proc is unavailable)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


def run_notebook(kind, name, path, timeout=300):
    """Execute one notebook; returns a dict with its times, cells and peak memory."""
    from autograder.execution import NotebookRun

    notebook, built = load(path, kind)
    result = {"kind": kind, "name": name, "path": str(path.relative_to(ROOT)),
              "built_in_memory": built, "cells": [], "error": None, "kernel_start_s": 0.0,
              "peak_mb": None}
    start = time.perf_counter()
    try:
        with NotebookRun(path, notebook=notebook, cell_seconds=timeout) as run:
            _execute(run, result, start)
    except Exception as error:  # the kernel did not start, died or stopped answering
        result["error"] = result["error"] or f"{type(error).__name__}: {error}"
    result["seconds"] = time.perf_counter() - start
    return result


def _execute(run, result, start):
    """Run the notebook's code cells one at a time, recording each one's time and memory."""
    from autograder.execution import describe

    result["kernel_start_s"] = time.perf_counter() - start
    for index in run.code_cells():
        cell = run.notebook.cells[index]
        cell_start = time.perf_counter()
        try:
            run.run_cell(index)
        except Exception as error:  # a failing cell, a timeout, a dead or stuck kernel
            lines = str(error).strip().splitlines() or [type(error).__name__]
            result["error"] = f"cell {index}: {type(error).__name__}: {lines[-1]}"
        seconds = time.perf_counter() - cell_start
        tags = cell.metadata.get("tags", [])
        role = "experiment" if "experiment" in tags else \
            cell.metadata.get("nbgrader", {}).get("grade_id", "given")
        result["cells"].append({"index": index, "role": role, "label": describe(cell),
                                "seconds": seconds, "peak_mb": peak_memory_mb(run.pid)})
        if result["error"]:
            break
    result["peak_mb"] = peak_memory_mb(run.pid)


def machine():
    import numpy
    model = "unknown"
    try:
        model = next(line.split(":", 1)[1].strip()
                     for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": model,
            "python": platform.python_version(), "numpy": numpy.__version__,
            "load average": os.getloadavg()}


def report(results, info):
    print(f"machine: {info['nproc']} cores, {info['cpu']}; Python {info['python']}, "
          f"numpy {info['numpy']}; load average (1, 5, 15 min) before: "
          "{:.2f} {:.2f} {:.2f}".format(*info["load average"]))
    failures = []
    for r in results:
        memory = f"{r['peak_mb']:.0f} MiB" if r.get("peak_mb") else "n/a"
        limit = ASSIGNMENT_TARGET if r["kind"] == "assignment" else LECTURE_TARGET
        target = f"  (target < {limit:.0f} s)"
        print(f"\n{r['kind']} {r['name']}: {r['seconds']:.1f} s{target}, kernel start "
              f"{r['kernel_start_s']:.1f} s, peak memory {memory}"
              + ("  [built from its .py: the .ipynb is out of date]" if r["built_in_memory"] else ""))
        for cell in r["cells"]:
            if cell["role"] == "experiment" or cell["seconds"] >= SLOW_CELL:
                peak = f"{cell['peak_mb']:5.0f} MiB" if cell["peak_mb"] else "      n/a"
                print(f"  cell {cell['index']:3d} {cell['role'][:24]:24s} {cell['seconds']:6.2f} s "
                      f"{peak}  {cell['label']}")
        if r["error"]:
            failures.append(f"{r['path']} fails at {r['error']}")
        if r["seconds"] > limit:
            failures.append(f"{r['path']} takes {r['seconds']:.1f} s (target {limit:.0f} s)")
    total = sum(r["seconds"] for r in results)
    lectures = [r for r in results if r["kind"] == "lecture"]
    lecture_total = sum(r["seconds"] for r in lectures)
    print(f"\n{'notebook':42s} {'seconds':>8s} {'experiments':>11s} {'peak MiB':>8s}")
    for r in results:
        experiments = sum(c["seconds"] for c in r["cells"] if c["role"] == "experiment")
        print(f"{r['kind'] + ' ' + r['name']:42s} {r['seconds']:8.1f} {experiments:11.1f} "
              f"{(r.get('peak_mb') or 0):8.0f}")
    print(f"{'lecture notebooks':42s} {lecture_total:8.1f}   (target < {LECTURES_TARGET:.0f} s)")
    print(f"{'whole course':42s} {total:8.1f}   (target < {COURSE_TARGET:.0f} s)")
    print("load average (1, 5, 15 min) after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if total > COURSE_TARGET and len(results) == len(course_notebooks()):
        failures.append(f"the whole course takes {total:.1f} s (target {COURSE_TARGET:.0f} s)")
    if lecture_total > LECTURES_TARGET and \
            len(lectures) == sum(kind == "lecture" for kind, _, _ in course_notebooks()):
        failures.append(f"the lecture notebooks take {lecture_total:.1f} s together "
                        f"(target {LECTURES_TARGET:.0f} s)")
    return failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="only these notebooks (default: all)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds a cell may take before it counts as failed (default 300)")
    args = parser.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    # the kernel is the virtualenv's python3, as in the tests
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        filter(None, [str(Path(sys.prefix) / "share" / "jupyter"), os.environ.get("JUPYTER_PATH")]))

    notebooks = course_notebooks()
    unknown = set(args.names) - {name for _, name, _ in notebooks}
    if unknown:
        print(f"unknown notebook(s): {', '.join(sorted(unknown))}; course.toml lists "
              f"{', '.join(name for _, name, _ in notebooks)}", file=sys.stderr)
        return 2
    info = machine()
    results = []
    for kind, name, path in notebooks:
        if args.names and name not in args.names:
            continue
        print(f"executing {path.relative_to(ROOT)} ...", file=sys.stderr, flush=True)
        results.append(run_notebook(kind, name, path, args.timeout))
    failures = report(results, info)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results}, indent=1))
    for failure in failures:
        print(f"MISSED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
