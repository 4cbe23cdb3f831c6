"""The lecture notebooks (notebooks/): each is built from its text twin, is listed in
course.toml, opens with its goal and ends with what to remember, runs top to bottom headless,
and every control of every live figure redraws that figure when its value changes.
(How long they take is measured by benchmarks/notebooks.py, not judged here.)
notebooks/README.md maps every syllabus topic to a notebook section that exists (or to an
assignment of the course)."""

import json
import re
from pathlib import Path

import pytest

from autograder.course import assignment_names, lectures
from autograder.execution import NotebookRun, error_outputs
from autograder.notebooks import build, read_notebook, source_of

ROOT = Path(__file__).resolve().parent.parent
LECTURES = [entry.name for entry in lectures(ROOT)]

# Runs in the kernel after the notebook: moves every control of every live figure to another
# value and reports whether the figure's PNG changed.
PROBE = r"""
import json as _json
from helpers.widgets import MAIN_SLIDER_CLASS as _MAIN, live_plots as _live_plots

def _other_value(control):
    if hasattr(control, "index") and getattr(control, "options", None):
        last = len(control.options) - 1
        return "index", (last if control.index < last / 2 else 0)
    if isinstance(control.value, bool):
        return "value", not control.value
    low, high = control.min, control.max
    if hasattr(control, "base"):  # FloatLogSlider: min and max are exponents
        low, high = control.base ** low, control.base ** high
    return "value", (high if control.value - low < high - control.value else low)

_report = []
for _number, _plot in enumerate(_live_plots()):
    for _name, _control in _plot.controls.items():
        _before, _renders = _plot.png, _plot.renders
        _attribute, _value = _other_value(_control)
        setattr(_control, _attribute, _value)
        _report.append({"plot": _number, "control": _name, "kind": type(_control).__name__,
                        "main": _MAIN in _control._dom_classes,
                        "redrawn": _plot.renders - _renders, "changed": _plot.png != _before,
                        "error": _plot.error})
print(_json.dumps(_report))
"""

SLIDERS = {"IntSlider", "FloatSlider", "FloatLogSlider", "SelectionSlider"}


def run_and_probe(path):
    """Execute the notebook at ``path`` top to bottom in a fresh kernel, then run PROBE in the
    same kernel. Returns (executed notebook, probe report)."""
    with NotebookRun(path, allow_errors=True) as run:
        for index in run.code_cells():
            run.run_cell(index)
        outputs = run.run_code(PROBE)
    streams = [output.get("text", "") for output in outputs
               if output.get("output_type") == "stream" and output.get("name") == "stdout"]
    errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in outputs
              if o.get("output_type") == "error"]
    assert not errors, f"the probe failed in {path.name}: {errors}"
    return run.notebook, json.loads("".join(streams).strip().splitlines()[-1])


_RUNS = {}


@pytest.fixture(scope="module")
def probed():
    """probed(name) -> (executed notebook, probe report), each notebook run once."""
    def run(name):
        if name not in _RUNS:
            _RUNS[name] = run_and_probe(ROOT / "notebooks" / f"{name}.ipynb")
        return _RUNS[name]
    return run


def markdown_cells(name):
    notebook = read_notebook(ROOT / "notebooks" / f"{name}.ipynb")
    return [source_of(cell) for cell in notebook["cells"] if cell["cell_type"] == "markdown"]


def headings(name):
    return {line.lstrip("#").strip() for text in markdown_cells(name)
            for line in text.splitlines() if line.startswith("#")}


# ---------------------------------------------------------------- structure (fast)

def test_course_toml_lists_every_lecture_notebook():
    authored = sorted(path.stem for path in (ROOT / "notebooks").glob("*.py"))
    assert sorted(LECTURES) == authored, "course.toml [[lectures]] and notebooks/*.py differ"
    assert len(LECTURES) >= 9
    for entry in lectures(ROOT):
        assert entry.title and entry.teaches and 5 <= entry.minutes <= 60, entry


@pytest.mark.parametrize("name", LECTURES)
def test_notebook_matches_its_text_twin(name):
    text = ROOT / "notebooks" / f"{name}.py"
    built = (ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8")
    assert build(text, graded=False) == built, f"{name}.ipynb is out of date: run `course build`"


@pytest.mark.parametrize("name", LECTURES)
def test_notebook_has_no_grading_metadata(name):
    notebook = read_notebook(ROOT / "notebooks" / f"{name}.ipynb")
    for cell in notebook["cells"]:
        assert "nbgrader" not in cell.get("metadata", {}), cell.get("id")
        assert "BEGIN SOLUTION" not in source_of(cell)


@pytest.mark.parametrize("name", LECTURES)
def test_notebook_opens_with_its_goal_and_ends_with_what_to_remember(name):
    cells = markdown_cells(name)
    first, last = cells[0], cells[-1]
    assert first.startswith("# "), "the first cell is the notebook's title"
    goal = re.search(r"\*\*Goal[.:]?\*\*\s*(.+)", first)
    assert goal, "the first cell states the goal as **Goal.** <one sentence>"
    assert goal.group(1).strip().count(". ") == 0, "the goal is one sentence"
    assert last.startswith("## What to remember"), "the last cell is what to remember"
    assert last.count("\n- ") >= 2, "what to remember lists its points"


@pytest.mark.parametrize("name", LECTURES)
def test_every_live_figure_says_what_to_try(name):
    """A live figure is preceded by prose that says what to try."""
    notebook = read_notebook(ROOT / "notebooks" / f"{name}.ipynb")
    cells = notebook["cells"]
    count = 0
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code" and "LivePlot(" in source_of(cell):
            count += 1
            before = [source_of(c) for c in cells[:index] if c["cell_type"] == "markdown"]
            assert before and "**Try" in before[-1], f"cell {index}: say what to try first"
    assert count >= 1, f"{name} has no live figure"


def readme_rows():
    """(topic, notebook, section) or (topic, None, (assignment, sections)) for every row of
    the README's tables headed | Topic | Where | Section |."""
    rows, in_map = [], False
    for line in (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|"):
            in_map = False
            continue
        if cells == ["Topic", "Where", "Section"]:
            in_map = True
            continue
        if not in_map or set("".join(cells)) <= {"-", ":"}:
            continue
        assert len(cells) == 3, f"a map row has three cells: {line}"
        topic, where, section = cells
        notebook = re.fullmatch(r"\[(\w+)\]\((\w+)\.ipynb\)", where)
        assignment = re.fullmatch(r"assignment `(\w+)`", where)
        assert notebook or assignment, f"the row names neither a notebook nor an assignment: {line}"
        if notebook:
            assert notebook.group(1) == notebook.group(2), line
            rows.append((topic, notebook.group(1), section))
        else:
            rows.append((topic, None, (assignment.group(1), section)))
    return rows


def test_readme_maps_topics_to_sections_that_exist():
    rows = readme_rows()
    assert len(rows) >= 40
    for topic, notebook, section in rows:
        if notebook is not None:
            assert notebook in LECTURES, f"{topic}: {notebook} is not a lecture notebook"
            assert section in headings(notebook), f"{topic}: no section {section!r} in {notebook}"
    covered = {notebook for _, notebook, _ in rows}
    assert set(LECTURES) <= covered, "every lecture notebook appears in the README map"


def test_readme_points_assignment_topics_at_sections_of_assignments():
    known = set(assignment_names(ROOT))
    named = [where for _, notebook, where in readme_rows() if notebook is None]
    assert named, "the README maps the assignments' topics too"
    for assignment, sections in named:
        assert assignment in known, f"course.toml lists no assignment {assignment!r}"
        text = (ROOT / "source" / assignment / f"{assignment}.py").read_text(encoding="utf-8")
        titles = {line[len("# ## "):].strip() for line in text.splitlines()
                  if line.startswith("# ## ")}
        for section in sections.split("; "):
            assert section in titles, f"assignment {assignment} has no section {section!r}"


# ---------------------------------------------------------------- the widget machinery

def test_live_plot_redraws_when_a_control_changes():
    from helpers.widgets import LivePlot, checkbox, slider

    def draw(figure, height, dashed):
        figure.subplots().plot([0, 1], [0, height], "--" if dashed else "-")

    plot = LivePlot(draw, figsize=(3, 2), main="height", height=slider("h", 0.0, 1.0, 0.1, 0.5),
                    dashed=checkbox("dashed"))
    first = plot.png
    assert first.startswith(b"\x89PNG") and plot.renders == 1 and plot.error is None
    plot.controls["height"].value = 1.0
    assert plot.renders == 2 and plot.png != first
    second = plot.png
    plot.controls["dashed"].value = True
    assert plot.renders == 3 and plot.png not in (first, second)
    plot.controls["dashed"].value, plot.controls["height"].value = False, 0.5
    assert plot.png == first, "the figure is a function of the controls' values"
    assert "lecture-main-slider" in plot.controls["height"]._dom_classes


def test_live_plot_shows_a_failing_redraw_and_refuses_a_broken_figure():
    from helpers.widgets import LivePlot, slider

    def draw(figure, k):
        if k > 2:
            raise ValueError("k too large")
        figure.subplots().plot([0, k])

    plot = LivePlot(draw, k=slider("k", 0, 5, 1, 1))
    png = plot.png
    plot.controls["k"].value = 4
    assert "k too large" in plot.error and plot.png == png
    plot.controls["k"].value = 2
    assert plot.error is None and plot.png != png
    with pytest.raises(RuntimeError, match="k too large"):
        LivePlot(draw, k=slider("k", 0, 5, 1, 3))
    with pytest.raises(ValueError, match="main"):
        LivePlot(draw, main="x", k=slider("k", 0, 5, 1, 1))


# ---------------------------------------------------------------- executed (slow)

@pytest.mark.slow
@pytest.mark.parametrize("name", LECTURES)
def test_notebook_runs_headless(name, probed):
    notebook, _ = probed(name)
    assert error_outputs(notebook) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", LECTURES)
def test_every_control_redraws_its_figure(name, probed):
    notebook, report = probed(name)
    displayed = sum("application/vnd.jupyter.widget-view+json" in output.get("data", {})
                    for cell in notebook.cells if "LivePlot(" in cell.source
                    for output in cell.outputs)
    assert report, f"{name} made no live figure"
    assert displayed == len({row["plot"] for row in report}), \
        "every live figure the notebook makes is displayed once"
    for row in report:
        assert row["error"] is None, f"{row['control']}: {row['error']}"
        assert row["redrawn"] == 1 and row["changed"], \
            f"moving {row['control']} of figure {row['plot']} did not change the figure"
    main = [row for row in report if row["main"]]
    assert len(main) == 1 and main[0]["kind"] in SLIDERS, \
        f"{name} needs exactly one main slider, found {main}"
