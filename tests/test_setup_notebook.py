"""Importing helpers changes nothing; a notebook opts in with its first code cell.

- Each module of helpers, imported alone in a fresh interpreter that runs an IPython shell,
  changes neither matplotlib's settings nor the shell's exception handlers, and imports without
  an error; no module of helpers imports, directly or not, a module that imports it back.
- helpers.notebook.setup_notebook() does nothing (and imports neither IPython nor matplotlib)
  outside IPython, as in the grading worker; in a shell it installs both (tests/test_friendly.py
  shows what the learner then sees).
- The first code cell of every assignment and lecture notebook calls it.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import assignment_names, lectures
from autograder.notebooks import read_notebook, source_of

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                 for path in (ROOT / "helpers").rglob("*.py"))

# Runs in a fresh interpreter: a shell first, then the module; prints what changed.
IMPORT_ALONE = """
import importlib, json, sys
import matplotlib
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance()

def state():
    settings = matplotlib.rcParams.copy()  # a copy: reading the global one may pick a backend
    return {"rcParams": {key: repr(settings[key]) for key in settings},
            "custom_exceptions": repr(shell.custom_exceptions),
            "CustomTB": repr(getattr(shell, "CustomTB", None)),
            "excepthook": repr(sys.excepthook),
            "events": repr(shell.events.callbacks)}

before = state()
importlib.import_module(sys.argv[1])
after = state()
changed = {"rcParams": sorted(key for key in before["rcParams"]
                              if before["rcParams"][key] != after["rcParams"].get(key))}
changed.update({part: before[part] != after[part] for part in before if part != "rcParams"})
print(json.dumps(changed))
"""


def run_python(code, *args):
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("module", MODULES)
def test_importing_a_helpers_module_alone_changes_nothing(module):
    if module == "helpers.checks.pytorch":
        pytest.importorskip("torch")
    process = run_python(IMPORT_ALONE, module)
    assert process.returncode == 0, f"importing {module} alone failed:\n{process.stderr}"
    changed = json.loads(process.stdout.strip().splitlines()[-1])
    assert changed == {"rcParams": [], "custom_exceptions": False, "CustomTB": False,
                       "excepthook": False, "events": False}, f"importing {module}: {changed}"


def imported_helpers(path):
    """The helpers modules that the file ``path`` imports, anywhere in it (functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in MODULES}


def module_file(module):
    path = ROOT / module.replace(".", "/")
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def test_no_import_circle_inside_helpers():
    graph = {module: imported_helpers(module_file(module)) for module in MODULES}

    def path_back(start, module, seen):
        for name in graph[module] - {module}:
            if name == start:
                return [name]
            if name not in seen:
                seen.add(name)
                rest = path_back(start, name, seen)
                if rest:
                    return [name, *rest]
        return None

    for module in MODULES:
        circle = path_back(module, module, set())
        assert circle is None, "import circle: " + " -> ".join([module, *circle])


def test_setup_notebook_outside_ipython_does_nothing_and_imports_nothing():
    process = run_python("import sys\nfrom helpers.notebook import setup_notebook\n"
                         "print(setup_notebook(), 'IPython' in sys.modules, "
                         "'matplotlib' in sys.modules)")
    assert process.returncode == 0, process.stderr
    assert process.stdout.split() == ["False", "False", "False"]


def test_setup_notebook_without_a_shell_changes_nothing():
    """The grading worker imports IPython (for its input transformers) but runs no shell."""
    process = run_python("import matplotlib, IPython\nfrom helpers.notebook import setup_notebook\n"
                         "before = repr(matplotlib.rcParams['axes.prop_cycle'])\n"
                         "print(setup_notebook(), "
                         "repr(matplotlib.rcParams['axes.prop_cycle']) == before)")
    assert process.returncode == 0, process.stderr
    assert process.stdout.split() == ["False", "True"]


def test_setup_notebook_in_a_shell_installs_the_display_and_the_palette():
    process = run_python(
        "import matplotlib.pyplot as plt\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "from helpers.checks import CheckFailed\n"
        "from helpers.notebook import setup_notebook\n"
        "from helpers.plots import PALETTE\n"
        "shell = InteractiveShell.instance()\n"
        "print(setup_notebook(), setup_notebook(), CheckFailed in shell.custom_exceptions,\n"
        "      plt.rcParams['axes.prop_cycle'].by_key()['color'] == list(PALETTE),\n"
        "      plt.plot([0, 1])[0].get_color() == PALETTE[0])")
    assert process.returncode == 0, process.stderr
    assert process.stdout.split() == ["True"] * 5


def first_code_cell(path):
    notebook = read_notebook(path)
    return next(source_of(cell) for cell in notebook["cells"] if cell["cell_type"] == "code")


NOTEBOOKS = ([f"source/{name}/{name}.ipynb" for name in assignment_names()]
             + [f"release/{name}/{name}.ipynb" for name in assignment_names()]
             + [f"notebooks/{entry.name}.ipynb" for entry in lectures(ROOT)])


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_the_first_code_cell_calls_setup_notebook(notebook):
    text = first_code_cell(ROOT / notebook)
    assert "from helpers.notebook import setup_notebook" in text, notebook
    assert "\nsetup_notebook()" in text, f"{notebook}: its first code cell calls setup_notebook()"
