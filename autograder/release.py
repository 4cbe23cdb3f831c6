"""Building notebooks from their text twins, generating release/ with nbgrader, and the checks
that keep the course honest (``course check``)."""

import ast
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.course import assignment_names, course_root
from autograder.notebooks import (build, edited_since_build, read_notebook, release_text,
                                  role_of, secret_lines, source_of, text_twins)


def build_all(root=None, check=False, force=False):
    """Regenerate every .ipynb from its text twin, and the landing page index.ipynb from
    course.toml. A notebook whose cells were edited since it was last built is left as it is
    (unless ``force``). With ``check``, write nothing. Returns (stale, edited): the notebooks
    that were (or, with ``check``, would be) written, and the edited ones left alone."""
    from autograder.landing import landing_notebook
    root = root or course_root()
    outputs = [(notebook, lambda t=text, g=graded: build(t, graded=g))
               for text, notebook, graded in text_twins(root)]
    outputs.append((root / "index.ipynb", lambda: landing_notebook(root)))
    stale, edited = [], []
    for notebook, make in outputs:
        wanted = make()
        current = notebook.read_text(encoding="utf-8") if notebook.exists() else None
        if current == wanted:
            continue
        if current is not None and not force and edited_since_build(current, wanted):
            edited.append(notebook)
            continue
        stale.append(notebook)
        if not check:
            notebook.write_text(wanted, encoding="utf-8")
    return stale, edited


def edited_message(notebook, root):
    """What an instructor is told about a notebook ``course build`` did not overwrite."""
    relative = notebook.relative_to(root)
    twin = ("course.toml" if notebook.name == "index.ipynb"
            else relative.with_suffix(".py").as_posix())
    return (f"{relative} was edited since it was last built, so it was left as it is: copy your "
            f"changes into {twin}, or run `course build --force` to replace it with a fresh build")


def generate_release(root=None, assignments=None):
    """Regenerate release/<assignment>/ from source/ with nbgrader generate_assignment, every
    assignment in one nbgrader process (starting nbgrader costs seconds)."""
    from autograder.gradebook import with_scripts_on_path
    root = Path(root or course_root())
    assignments = list(assignments or assignment_names(root))
    with_scripts_on_path()
    command = [sys.executable, "-c", "import sys; from autograder.release import "
               "generate_here; generate_here(sys.argv[1], sys.argv[2:])", str(root), *assignments]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed in {root}:\n"
                           f"{done.stdout[-3000:]}{done.stderr[-3000:]}")
    for assignment in assignments:
        # nbgrader keeps stale files; the release must be exactly what source/ gives now.
        generated = root / "release" / assignment
        sources = {p.relative_to(root / "source" / assignment)
                   for p in (root / "source" / assignment).rglob("*")}
        for path in sorted(generated.rglob("*"), reverse=True):
            if path.relative_to(generated) not in sources and path.is_file():
                path.unlink()


def generate_here(root, assignments):
    """In this process, what `nbgrader generate_assignment NAME --force` does for each of
    ``assignments``, configured by the course directory's nbgrader_config.py (nbgrader's own
    API; run by generate_release in a process of its own)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.apps.baseapp import NbGrader
    settings = NbGrader()
    settings.config_file_paths.append(str(root))
    settings.load_config_file()
    api = NbGraderAPI(config=settings.config)
    for assignment in assignments:
        result = api.generate_assignment(assignment, force=True)
        if not result["success"]:
            raise SystemExit(f"generating release/{assignment} failed:\n"
                             f"{result.get('log', '')}{result.get('error', '')}")


def _normalised(path):
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    return json.dumps(notebook, sort_keys=True, indent=1)


def release_problems(root=None):
    """Differences between release/ and what nbgrader generates from source/ now."""
    root = root or course_root()
    problems = []
    with tempfile.TemporaryDirectory(prefix="release-check-") as scratch:
        scratch = Path(scratch)
        for name in ("nbgrader_config.py", "course.toml"):
            shutil.copy(root / name, scratch / name)
        shutil.copytree(root / "source", scratch / "source")
        generate_release(scratch, assignment_names(root))
        for assignment in assignment_names(root):
            fresh = scratch / "release" / assignment
            committed = root / "release" / assignment
            fresh_files = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
            committed_files = ({p.relative_to(committed) for p in committed.rglob("*")
                                if p.is_file()} if committed.exists() else set())
            for missing in sorted(fresh_files - committed_files):
                problems.append(f"release/{assignment}/{missing} is missing; run `course release`")
            for extra in sorted(committed_files - fresh_files):
                problems.append(f"release/{assignment}/{extra} is not generated from source/")
            for name in sorted(fresh_files & committed_files):
                a, b = fresh / name, committed / name
                same = (_normalised(a) == _normalised(b) if name.suffix == ".ipynb"
                        else a.read_bytes() == b.read_bytes())
                if not same:
                    problems.append(f"release/{assignment}/{name} differs from what nbgrader "
                                    "generates from source/; run `course release`")
    return problems


def leak_problems(root=None):
    """Solution code, hidden tests or grading code found anywhere under release/."""
    root = root or course_root()
    problems = []
    release = root / "release"
    texts = {p: p.read_text(encoding="utf-8", errors="replace")
             for p in release.rglob("*") if p.is_file()}
    for path in texts:
        if path.suffix == ".py" or ".ipynb_checkpoints" in path.parts:
            problems.append(f"{path.relative_to(root)} should not be in the release")
    markers = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
               "hidden_test(", "autograder")
    for path, text in texts.items():
        for marker in markers:
            if marker in text:
                problems.append(f"{path.relative_to(root)} contains {marker!r}")
    for assignment in assignment_names(root):
        source_path = root / "source" / assignment / f"{assignment}.ipynb"
        cells = read_notebook(source_path)["cells"]
        public = "\n".join(release_text(source_of(cell)) for cell in cells)
        public_lines = {line.strip() for line in public.splitlines()}
        secrets = {line for cell in cells for line in secret_lines(source_of(cell))
                   if line not in public_lines}
        for path, text in texts.items():
            if path.parts[len(release.parts)] != assignment:
                continue
            # Notebook JSON escapes quotes: compare the decoded cell sources and outputs, line by
            # line (a solution line is a leak; the same text inside a longer line is not).
            haystack = text
            if path.suffix == ".ipynb":
                try:
                    notebook = json.loads(text)
                    haystack = "\n".join(source_of(c) + json.dumps(c.get("outputs", []))
                                         for c in notebook.get("cells", []))
                except ValueError:
                    pass
            released = {line.strip() for line in haystack.splitlines()}
            for line in sorted(secrets):
                if line in released:
                    problems.append(f"{path.relative_to(root)} leaks solution or hidden-test "
                                    f"code: {line[:60]!r}")
    return problems


def distinctive_solution_lines(root=None):
    """line -> assignment for every distinctive line of a reference solution or hidden test:
    the lines of those regions that no release notebook shows as given code. No file a student
    or a grading sandbox can read may hold one of them."""
    root = root or course_root()
    sources = {assignment: read_notebook(root / "source" / assignment / f"{assignment}.ipynb")
               for assignment in assignment_names(root)}
    public_lines = {line.strip() for notebook in sources.values() for cell in notebook["cells"]
                    for line in release_text(source_of(cell)).splitlines()}
    lines = {}
    for assignment, notebook in sources.items():
        for cell in notebook["cells"]:
            for line in secret_lines(source_of(cell)):
                if line not in public_lines:
                    lines.setdefault(line, assignment)
    return lines


def _lines_of(path):
    """The stripped lines of a file as a reader meets them: a notebook's cell sources and
    outputs decoded from JSON; a Python file's lines and the lines of its string constants
    (code kept in a string is code too); any other text as it is."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    if Path(path).suffix == ".ipynb":
        try:
            cells = json.loads(text).get("cells", [])
            text = "\n".join(source_of(c) + "\n" + json.dumps(c.get("outputs", []))
                             for c in cells)
        except (ValueError, AttributeError):
            pass
    elif Path(path).suffix == ".py":
        try:
            strings = [node.value for node in ast.walk(ast.parse(text))
                       if isinstance(node, ast.Constant) and isinstance(node.value, str)]
        except (SyntaxError, ValueError):
            strings = []
        text = "\n".join([text, *strings])
    return {line.strip() for line in text.splitlines()}


def files_holding_solutions(paths, root=None):
    """(path, assignment, line) for every file among ``paths`` that holds a distinctive line of
    a reference solution or hidden test."""
    secrets = distinctive_solution_lines(root)
    found = []
    for path in paths:
        for line in sorted(_lines_of(path) & secrets.keys()):
            found.append((Path(path), secrets[line], line))
    return found


def solution_cells(notebook):
    """grade_id -> source of each solution cell."""
    from autograder.notebooks import grade_id_of
    return {grade_id_of(c): source_of(c) for c in notebook["cells"] if role_of(c) == "solution"}
