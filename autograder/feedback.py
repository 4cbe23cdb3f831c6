"""Feedback pages: one HTML file per student and assignment, built from the grading report.

A page says the score that counts (a grader's changes included, the late penalty taken off),
what happened in plain words with the next step, and, test by test, the verdict and its hint
beside the learner's own cells it concerns, with a grader's comments. It never shows the hidden
tests, the reference solution, the expected values or a path on the grading machine."""

import re
from dataclasses import replace
from html import escape
from pathlib import Path

from autograder.classroom import copy_exchange_files
from autograder.notebooks import NotebookError, grade_id_of, read_notebook, role_of, source_of
from autograder.report import result_from_dict, results_of

STYLE = """body{font-family:system-ui,sans-serif;max-width:54rem;margin:2rem auto;color:#222;
line-height:1.45}pre{background:#f6f8fa;padding:.8rem;overflow-x:auto;margin:.3rem 0}
.test{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.test h3{margin:.2rem 0}.passed{color:#1b7f3b}.failed{color:#b42318}
.verdict{padding:.5rem .8rem;border-left:4px solid #b42318;background:#fff4f2;margin:.5rem 0}
.verdict.passed{border-color:#1b7f3b;background:#f1faf3}
.problem{padding:.8rem 1rem;border:2px solid #b42318;border-radius:6px;background:#fff4f2}
.comment{padding:.4rem .8rem;border-left:4px solid #3b6fb6;background:#f2f6fc;margin:.4rem 0}
.late{padding:.5rem .8rem;background:#fff8e1;border-left:4px solid #c98a00}"""

WHERE_TO_FETCH = ("the Assignments tab in JupyterLab (Fetch), or from your course page")

# What a submission-level status means to the learner, and what to do next.
PROBLEMS = {
    "not_json": "your notebook could not be read: it is not valid JSON, so the file was damaged "
                "(often cut short while saving).",
    "not_utf8": "your notebook could not be read: it is not UTF-8 text, so the file was "
                "damaged or is not a notebook.",
    "empty": "your notebook could not be read: the file you submitted is empty.",
    "not_notebook": "the file you submitted is not a Jupyter notebook.",
    "wrong_nbformat": "your notebook was saved in a format version the grader does not read.",
    "missing_notebook": "no notebook of this assignment was found in your submission.",
    "unreadable": "your submitted notebook could not be opened.",
}
NEXT_STEP = (f"Download the assignment again from {WHERE_TO_FETCH}, copy your answers into the "
             "fresh notebook, save it, check that it opens, and submit again. Ask your "
             "instructor if the due date has passed: the file you submitted is kept.")
LIMITS = {
    "timeout": ("took too long", "look for a loop that never ends or a very slow step, and "
                "run the notebook top to bottom yourself before submitting."),
    "memory": ("used too much memory", "look for arrays far bigger than the exercise needs, "
               "and run the notebook top to bottom yourself before submitting."),
    "output": ("printed too much", "remove the print calls inside loops, and run the notebook "
               "top to bottom yourself before submitting."),
    "crashed": ("stopped the Python process", "remove calls such as os._exit or sys.exit and "
                "run the notebook top to bottom yourself before submitting."),
    "processes": ("started too many processes or threads", "look for code that starts "
                  "processes or threads in a loop, and run the notebook top to bottom yourself "
                  "before submitting."),
    "disk": ("wrote too much to disk", "look for files written in a loop, and run the "
             "notebook top to bottom yourself before submitting."),
    "cpu": ("used too much computing time", "look for a loop that never ends or a very slow "
            "step, and run the notebook top to bottom yourself before submitting."),
    "grader_error": ("could not be graded because of a problem on our side", "tell your "
                     "instructor; your work is kept and will be graded again."),
}
CELL_STATUS = {"passed": "passed", "failed": "not yet right", "timeout": "took too long",
               "memory": "used too much memory", "output": "printed too much",
               "crashed": "stopped the Python process", "not_run": "not run",
               "processes": "started too many processes", "disk": "wrote too much to disk",
               "cpu": "used too much computing time"}

_PATH = re.compile(r"(?<![\w.])(?:/[\w.+@~-]+)+/?")
_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "epsilon": "ε", "lambda": "λ", "lambd": "λ",
          "mu": "μ", "sigma": "σ", "theta": "θ"}
_SUPERSCRIPT = str.maketrans("0123456789+-()nrkltij", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿʳᵏˡᵗⁱʲ")


def without_paths(text):
    """``text`` with every absolute path replaced by its last part (a file name), so no
    folder of the grading machine reaches the learner."""
    return _PATH.sub(lambda match: Path(match.group(0).rstrip("/")).name or "/", text)


def readable_maths(text):
    """Plain-text formulas in hints as Unicode maths: sqrt(x) -> √(x), x ** 2 and x^2 -> x²,
    Greek letters by name, a * b -> a · b."""
    def power(match):
        exponent = match.group(2)
        if all(ch in "0123456789+-()nrkltij" for ch in exponent):
            return match.group(1) + exponent.translate(_SUPERSCRIPT)
        return match.group(0)
    text = re.sub(r"\bsqrt\(", "√(", text)
    text = re.sub(r"\b(" + "|".join(_GREEK) + r")\b", lambda m: _GREEK[m.group(1)], text)
    text = re.sub(r"(\w|\))\s*(?:\*\*|\^)\s*(\(?[\w+-]+\)?)", power, text)
    text = re.sub(r"(?<=\S) \* (?=\S)", " · ", text)
    return text


def _plain(text):
    return escape(readable_maths(without_paths(text or "")))


def _problem(status):
    """(what happened, what to do) for a submission that was not simply graded; None else."""
    if status in PROBLEMS:
        return PROBLEMS[status], NEXT_STEP
    if status in LIMITS:
        what, todo = LIMITS[status]
        return f"part of your notebook {what}; the tests after it were still graded.", \
            todo[0].upper() + todo[1:]
    return None


def _sections(source):
    """[(test grade_id, [solution grade_ids above it])] in the source notebook's order."""
    sections, pending = [], []
    for cell in source["cells"]:
        role, grade_id = role_of(cell), grade_id_of(cell)
        if role == "solution":
            pending.append(grade_id)
        elif role == "test":
            sections.append((grade_id, pending))
            pending = []
    return sections


def _cell_html(cell, solutions, comments, solution_ids, unreadable=False):
    """One test's section for ``cell`` (a CellResult)."""
    status = cell.status
    if unreadable:  # the banner above says why and what to do; the parser's words help no one
        cell = replace(cell, message="Not graded: your notebook could not be read (see above).")
        solution_ids = []
    kind = "passed" if status == "passed" else "failed"
    changed = "" if cell.manual_points is None else \
        f" (changed by your grader from {cell.points:g})"
    message = "" if status == "passed" and cell.message in ("", "passed") else \
        _plain(cell.message)
    name = cell.grade_id.removeprefix("test_")
    code = "".join(
        f"<pre>{escape(solutions[grade_id])}</pre>" if grade_id in solutions else
        "<p><em>This cell was not found in your notebook.</em></p>"
        for grade_id in solution_ids)
    remarks = "".join(f"<div class='comment'><strong>Your grader:</strong> "
                      f"{escape(comments[grade_id])}</div>"
                      for grade_id in solution_ids if comments.get(grade_id))
    return (f"<div class='test'><h3>{escape(name)}: <span class='{kind}'>"
            f"{escape(CELL_STATUS.get(status, status))}</span>, {cell.counted_points:g} / "
            f"{cell.max_points:g} point{'s' * (cell.max_points != 1)}{changed}</h3>"
            f"{code}<div class='verdict {kind}'>{message or 'Well done.'}</div>{remarks}</div>")


def render(entry, notebook_path=None, source=None, title=None):
    """The feedback HTML for one report entry (a SubmissionResult as a dict). ``source`` (the
    source notebook) places each test beside the cells it concerns."""
    result = result_from_dict(entry)
    solutions = {}
    if notebook_path is not None:
        try:
            for cell in read_notebook(notebook_path)["cells"]:
                if role_of(cell) == "solution":
                    solutions.setdefault(grade_id_of(cell), source_of(cell))
        except (NotebookError, OSError):
            pass
    comments = result.comments or {}
    by_test = dict(_sections(source)) if source else {}
    shown = set()
    tests = []
    for cell in result.cells:
        ids = by_test.get(cell.grade_id, [])
        shown.update(ids)
        tests.append(_cell_html(cell, solutions, comments, ids,
                                unreadable=result.status in PROBLEMS))
    rest = [grade_id for grade_id in solutions if grade_id not in shown]
    extra = "".join(f"<h3>{escape(grade_id)}</h3><pre>{escape(solutions[grade_id])}</pre>"
                    for grade_id in rest)
    problem = _problem(result.status)
    banner = "" if problem is None else (
        f"<div class='problem'><p><strong>{escape(problem[0][0].upper() + problem[0][1:])}"
        f"</strong></p><p>{escape(problem[1])}</p></div>")
    late = ""
    if result.late_message:
        text = result.late_message[0].upper() + result.late_message[1:]
        if result.late_penalty:
            text += f" ({result.late_penalty:g} points)"
        late = f"<p class='late'>{escape(text)}.</p>"
    notes = "".join(f"<li>{_plain(note)}</li>" for note in result.notes)
    name = title or result.assignment
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Feedback: "
            f"{escape(name)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{escape(name)}: {result.counted_score:g} / {result.max_score:g}</h1>"
            f"<p>Feedback for {escape(result.student)}.</p>{banner}{late}"
            f"<h2>Test by test</h2>{''.join(tests)}"
            f"{'<h2>Your other cells</h2>' + extra if extra else ''}"
            f"{'<h2>Notes</h2><ul>' + notes + '</ul>' if notes else ''}</body></html>")


def write_feedback(report, submissions_dir, feedback_dir, source=None, title=None):
    """Write feedback/<student>/<assignment>/<assignment>.html for every report entry, with the
    exchange's timestamp.txt and submission_secret.txt beside it (what `nbgrader
    release_feedback` reads). Returns (paths written, students whose submission did not come
    through the exchange, so their page cannot be released through it)."""
    written, local = [], []
    for result in results_of(report):
        folder = Path(submissions_dir) / result.student / result.assignment
        notebook = folder / f"{result.assignment}.ipynb"
        target = Path(feedback_dir) / result.student / result.assignment
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"{result.assignment}.html"
        path.write_text(render(result.to_dict(), notebook if notebook.is_file() else None,
                               source, title), encoding="utf-8")
        written.append(path)
        if not copy_exchange_files(folder, target):
            local.append(result.student)
    return written, local
