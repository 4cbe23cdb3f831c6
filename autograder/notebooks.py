"""Notebooks as data: building the .ipynb files from their authored text twins, reading
notebooks defensively, and the role of each cell.

Authored sources are jupytext "percent" files (source/<a>/<a>.py, notebooks/<name>.py). A code
cell's header says its role:

    # %% role="solution" grade_id="initialize_parameters_he"      the learner's graded code
    # %% role="test" grade_id="test_initialize_parameters_he" points=2   visible + hidden tests
    # %% role="experiment"                                        plots, training: not graded
    # %%                                                          given code (read-only)

``build`` turns these into the nbgrader metadata nbgrader expects. Reading uses the json module
only (importing nbformat costs seconds per process).
"""

import hashlib
import json
import re
from pathlib import Path

NBGRADER_SCHEMA = 3
EXPERIMENT_TAG = "experiment"

# group 1: the indentation of the region's first line
SOLUTION_REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION.*?^[ \t]*### END SOLUTION[^\n]*\n?",
                             re.S | re.M)
HIDDEN_REGION = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?",
                           re.S | re.M)


class NotebookError(ValueError):
    """A file that cannot be graded as a notebook; ``status`` is a short machine-readable code
    (missing, empty, not_utf8, not_json, not_notebook, wrong_nbformat)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


# ---------------------------------------------------------------- building from text twins

def _nbgrader(grade_id, *, solution=False, grade=False, locked=False, points=None):
    metadata = {"grade": grade, "grade_id": grade_id, "locked": locked,
                "schema_version": NBGRADER_SCHEMA, "solution": solution, "task": False}
    if points is not None:
        metadata["points"] = points
    return metadata


def _convert_cell(cell, index, given_count, graded):
    metadata = dict(cell.get("metadata", {}))
    role = metadata.pop("role", None)
    grade_id = metadata.pop("grade_id", None)
    points = metadata.pop("points", None)
    metadata.pop("lines_to_next_cell", None)
    metadata.pop("title", None)
    cell_id = grade_id or f"cell-{index}"
    if cell["cell_type"] == "code":
        if role == "experiment":
            tags = metadata.get("tags", [])
            metadata["tags"] = tags + [EXPERIMENT_TAG] if EXPERIMENT_TAG not in tags else tags
        elif role == "solution":
            metadata["nbgrader"] = _nbgrader(grade_id, solution=True)
        elif role == "test":
            if points is None:
                raise ValueError(f"test cell {grade_id!r} needs points=N in its header")
            metadata["nbgrader"] = _nbgrader(grade_id, grade=True, locked=True, points=points)
        elif role is None and graded:
            given_id = f"given-{given_count}"
            metadata["nbgrader"] = _nbgrader(given_id, locked=True)
            cell_id = given_id
        elif role is not None:
            raise ValueError(f"cell {index}: unknown role {role!r}")
        if role in ("solution", "test") and not grade_id:
            raise ValueError(f"cell {index}: a {role} cell needs grade_id=\"...\"")
    cell = dict(cell, metadata=metadata, id=cell_id)
    if cell["cell_type"] == "code":
        cell["outputs"], cell["execution_count"] = [], None
    return cell


def build(text_path, graded=True):
    """The .ipynb text (nbformat 4) for the percent file ``text_path``. ``graded`` adds nbgrader
    metadata (source notebooks); lecture notebooks pass False."""
    import jupytext  # slow import: only the build step needs it
    import nbformat

    notebook = jupytext.read(text_path)
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                       "name": "python3"}
    notebook.metadata["language_info"] = {"name": "python"}
    given = 0
    cells = []
    for index, cell in enumerate(notebook.cells):
        is_given = (cell.cell_type == "code" and "role" not in cell.metadata)
        cells.append(nbformat.from_dict(_convert_cell(cell, index, given, graded)))
        given += is_given
    notebook.cells = cells
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    notebook.metadata["course"] = {"built_cells": cells_digest(notebook)}
    return nbformat.writes(notebook) + "\n"


def cells_digest(notebook):
    """A short hash of a notebook's cells (kind and text): what `course build` records, so that
    it can tell a notebook someone edited from one it wrote."""
    cells = [[cell.get("cell_type"), source_of(cell)] for cell in notebook.get("cells", [])]
    return hashlib.sha256(json.dumps(cells).encode("utf-8")).hexdigest()[:16]


def edited_since_build(current_text, wanted_text):
    """True when the notebook text ``current_text`` has cells that no build wrote: its cells
    differ from those recorded when it was built (or, for a notebook built before builds were
    recorded, from the ones a build writes now)."""
    try:
        current = json.loads(current_text)
        recorded = current.get("metadata", {}).get("course", {}).get("built_cells")
    except (ValueError, AttributeError):
        return True
    if not isinstance(recorded, str):
        return cells_digest(current) != cells_digest(json.loads(wanted_text))
    return cells_digest(current) != recorded


def text_twins(root):
    """(text path, notebook path, graded) for every authored notebook in the course."""
    root = Path(root)
    twins = []
    for text in sorted(root.glob("source/*/*.py")):
        twins.append((text, text.with_suffix(".ipynb"), True))
    for text in sorted(root.glob("notebooks/*.py")) + sorted(root.glob("instructor/*.py")):
        twins.append((text, text.with_suffix(".ipynb"), False))
    return twins


def is_authored_text(path):
    """True for a jupytext percent file (its first lines declare the notebook)."""
    try:
        head = Path(path).read_text(encoding="utf-8")[:400]
    except (OSError, UnicodeDecodeError):
        return False
    return "# %%" in head or "jupytext" in head or "jupyter:" in head


# ---------------------------------------------------------------- reading

def read_notebook(path):
    """Parse ``path`` as an nbformat-4 notebook with the json module; raises NotebookError with
    a status and a message naming the file for anything that cannot be graded."""
    path = Path(path)
    if not path.is_file():
        raise NotebookError("missing", f"{path}: notebook not found")
    raw = path.read_bytes()
    if not raw.strip():
        raise NotebookError("empty", f"{path}: the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotebookError("not_utf8", f"{path}: not UTF-8 text ({error})") from None
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError("not_json", f"{path}: not valid JSON ({error})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError("not_notebook", f"{path}: JSON but not a notebook (no list of cells)")
    if notebook.get("nbformat") != 4:
        raise NotebookError("wrong_nbformat", f"{path}: nbformat {notebook.get('nbformat')!r}; "
                                              "expected 4 (save it from JupyterLab)")
    for index, cell in enumerate(notebook["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise NotebookError("not_notebook", f"{path}: cell {index} is not a notebook cell")
    return notebook


def source_of(cell):
    """A cell's source as one string (nbformat allows a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def nbgrader_of(cell):
    metadata = cell.get("metadata")
    value = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return value if isinstance(value, dict) else {}


def role_of(cell):
    """solution, test, given, experiment, markdown, raw, or code (a cell the learner added)."""
    if cell.get("cell_type") != "code":
        return cell.get("cell_type")
    grader = nbgrader_of(cell)
    if grader.get("solution"):
        return "solution"
    if grader.get("grade"):
        return "test"
    if grader.get("locked"):
        return "given"
    tags = cell.get("metadata", {}).get("tags", [])
    if isinstance(tags, list) and EXPERIMENT_TAG in tags:
        return "experiment"
    return "code"


def grade_id_of(cell):
    grade_id = nbgrader_of(cell).get("grade_id")
    return grade_id if isinstance(grade_id, str) else None


def release_text(source):
    """What nbgrader leaves of a source cell's text in the release: hidden tests removed,
    solutions replaced by the stub."""
    def stub(match):
        indent = re.match(r"[ \t]*", match.group(0)).group(0)
        return f"{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()\n"
    return SOLUTION_REGION.sub(stub, HIDDEN_REGION.sub("", source))


def secret_lines(source):
    """The non-trivial lines inside solution and hidden-test regions of a source cell: the text
    that must never appear in the release."""
    lines = []
    regions = [match.group(0) for pattern in (SOLUTION_REGION, HIDDEN_REGION)
               for match in pattern.finditer(source)]
    for region in regions:
        for line in region.splitlines()[1:-1]:
            stripped = line.strip()
            if len(stripped) >= 12 and not stripped.startswith("#"):
                lines.append(stripped)
    return lines
