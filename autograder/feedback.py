"""Feedback pages: one HTML file per student and assignment, built from the grading report.
They show the learner's own graded cells, the points and the message for each test; never the
hidden tests, the reference solution or the expected values."""

from html import escape
from pathlib import Path

from autograder.notebooks import grade_id_of, read_notebook, role_of, source_of, NotebookError

STYLE = """body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;color:#222}
pre{background:#f6f8fa;padding:.8rem;overflow-x:auto}.passed{color:#1b7f3b}.failed{color:#b42318}
td,th{padding:.3rem .8rem;text-align:left;border-bottom:1px solid #ddd}"""


def render(entry, notebook_path=None):
    """The feedback HTML for one report entry (a SubmissionResult as a dict)."""
    solutions = {}
    if notebook_path is not None:
        try:
            for cell in read_notebook(notebook_path)["cells"]:
                if role_of(cell) == "solution":
                    solutions.setdefault(grade_id_of(cell), source_of(cell))
        except NotebookError:
            pass
    rows = "".join(
        f"<tr><td>{escape(cell['grade_id'])}</td><td class='{'passed' if cell['status'] == 'passed' else 'failed'}'>"
        f"{escape(cell['status'])}</td><td>{cell['points']:g} / {cell['max_points']:g}</td>"
        f"<td>{escape(cell['message'])}</td></tr>" for cell in entry["cells"])
    notes = "".join(f"<li>{escape(note)}</li>" for note in entry.get("notes", []))
    code = "".join(f"<h3>{escape(grade_id)}</h3><pre>{escape(text)}</pre>"
                   for grade_id, text in solutions.items())
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Feedback: "
            f"{escape(entry['assignment'])}</title><style>{STYLE}</style></head><body>"
            f"<h1>{escape(entry['assignment'])}: {entry['score']:g} / {entry['max_score']:g}</h1>"
            f"<p>Student: {escape(entry['student'])}. Status: {escape(entry['status'])}"
            f"{'. ' + escape(entry['message']) if entry.get('message') else ''}</p>"
            f"<table><tr><th>test</th><th>status</th><th>points</th><th>message</th></tr>"
            f"{rows}</table>{'<h2>Notes</h2><ul>' + notes + '</ul>' if notes else ''}"
            f"<h2>Your graded cells</h2>{code or '<p>(none found)</p>'}</body></html>")


def write_feedback(report, submissions_dir, feedback_dir):
    """Write feedback/<student>/<assignment>/<assignment>.html for every report entry; returns
    the paths written."""
    written = []
    for entry in report["students"]:
        folder = Path(submissions_dir) / entry["student"] / entry["assignment"]
        notebook = folder / f"{entry['assignment']}.ipynb"
        target = Path(feedback_dir) / entry["student"] / entry["assignment"]
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"{entry['assignment']}.html"
        path.write_text(render(entry, notebook if notebook.is_file() else None), encoding="utf-8")
        written.append(path)
    return written
