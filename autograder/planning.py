"""Planning a graded run: what the worker executes for one submission, and which of the
submission's files it sees.

The source notebook decides the structure. Given cells and test cells always come from
source/ (a learner cannot edit or delete them: edits and deletions are reported and the
original is used); solution cells and cells the learner added come from the submission.
Experiment cells (training runs, plots, widgets) are skipped unless ``full=True``. Each test
cell becomes a probe step at its position, so the points of a test depend only on the cells
above it.
"""

import shutil
from collections import defaultdict

from autograder.notebooks import (NotebookError, grade_id_of, release_text, role_of,
                                  source_of)

MAX_FILES_BYTES = 200 * 1024 * 1024


def test_cells(source):
    """(grade_id, points) of every autograded test cell in the source notebook, in order."""
    cells = []
    for cell in source["cells"]:
        if role_of(cell) == "test":
            cells.append((grade_id_of(cell), float(cell["metadata"]["nbgrader"]["points"])))
    return cells


def plan(source, submission, full=False):
    """The worker steps for ``submission`` following ``source``'s structure, and the integrity
    notes (deleted, duplicated or edited cells) found on the way. The test cells run twice:
    as probes at their position (the isolated check that counts) and, after everything else,
    as replays: nbgrader's way, in the learner's namespace (the in-kernel check, compared)."""
    source_ids = {grade_id_of(cell) for cell in source["cells"] if grade_id_of(cell)}
    by_grade_id, by_cell_id, notes = {}, {}, []
    added_after = defaultdict(list)  # anchor grade_id (None: the top) -> cells the learner added
    anchor = None
    for cell in submission["cells"]:
        grade_id = grade_id_of(cell)
        if grade_id in source_ids:
            if grade_id in by_grade_id:
                notes.append(f"cell {grade_id!r} appears more than once; the first copy was used")
            else:
                by_grade_id[grade_id] = cell
            anchor = grade_id
        elif isinstance(cell.get("id"), str):
            by_cell_id.setdefault(cell["id"], cell)
        if grade_id is None and role_of(cell) == "code":
            added_after[anchor].append(cell)

    steps, replay_steps = [], []

    def add_code(text, label):
        if text.strip():
            steps.append({"kind": "code", "source": text, "label": label})

    for cell in added_after[None]:
        add_code(source_of(cell), "added")
    for index, cell in enumerate(source["cells"]):
        role, grade_id = role_of(cell), grade_id_of(cell)
        mine = by_grade_id.get(grade_id) if grade_id else None
        if role in ("given", "test"):
            original = source_of(cell)
            if mine is None:
                notes.append(f"{role} cell {grade_id!r} was deleted; restored from source")
            elif source_of(mine).strip() not in (release_text(original).strip(),
                                                 original.strip()):
                notes.append(f"{role} cell {grade_id!r} was edited; restored from source")
            if role == "given":
                add_code(original, grade_id)
            else:
                steps.append({"kind": "probe", "grade_id": grade_id})
                replay_steps.append({"kind": "replay", "grade_id": grade_id, "source": original})
        elif role == "solution":
            if mine is None:
                notes.append(f"solution cell {grade_id!r} was deleted")
            else:
                add_code(source_of(mine), grade_id)
        elif role == "experiment" and full:
            mine = by_cell_id.get(cell.get("id"), cell)
            add_code(source_of(mine), f"experiment {index}")
        if grade_id:
            for added in added_after.get(grade_id, []):
                add_code(source_of(added), "added")
    return steps + replay_steps, notes


def find_notebook(folder, assignment):
    """The submitted notebook and a note: <assignment>.ipynb, or the only notebook present
    (renamed). Raises NotebookError(missing) otherwise."""
    expected = folder / f"{assignment}.ipynb"
    if expected.is_file():
        return expected, None
    others = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    if len(others) == 1:
        return others[0], f"notebook was renamed to {others[0].name}; graded it"
    found = ", ".join(p.name for p in others) or "no notebook"
    raise NotebookError("missing_notebook", f"{expected}: not found ({found} in {folder})")


def copy_submission_files(folder, target):
    """Copy the regular files of a submission folder (its data, its modules; not the notebooks)
    into the worker's scratch folder. Links, sockets, pipes and devices are skipped, and so is
    anything past MAX_FILES_BYTES in total; returns notes on what was skipped."""
    skipped, total = [], 0
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            skipped.append(str(relative))
        elif path.is_dir():
            (target / relative).mkdir(parents=True, exist_ok=True)
        elif path.suffix != ".ipynb":
            size = path.stat().st_size
            if total + size > MAX_FILES_BYTES:
                skipped.append(str(relative))
                continue
            total += size
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / relative)
    return [f"not copied for grading (links, special files or over "
            f"{MAX_FILES_BYTES >> 20} MB): {', '.join(skipped[:10])}"] if skipped else []
