"""helpers.friendly: in IPython, once the notebook's first cell has called
helpers.notebook.setup_notebook(), a failed visible check and a called stub show one plain line,
the cell still fails with the same exception, and every other error keeps its traceback."""

import re

import matplotlib
import pytest

from helpers import friendly
from helpers.checks import CheckFailed
from helpers.notebook import setup_notebook

STUB = '''
def initialize_things(n):
    """Stub as nbgrader releases it."""
    things = {}
    # YOUR CODE HERE
    raise NotImplementedError()
    return things
'''


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell
    colours = matplotlib.rcParams["axes.prop_cycle"]
    shell = InteractiveShell.instance()  # the running shell, as get_ipython() finds it
    assert shell.custom_exceptions == ()  # importing helpers installed nothing
    assert setup_notebook()
    yield shell
    shell.set_custom_exc((), None)
    InteractiveShell.clear_instance()
    matplotlib.rcParams["axes.prop_cycle"] = colours


def shown(capsys):
    return re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)


def test_a_failed_check_shows_its_message_alone(shell, capsys):
    result = shell.run_cell("from helpers.checks import fail\n"
                            "fail('W1 has shape (3, 2); expected (2, 3). Rows and columns swapped?')")
    assert isinstance(result.error_in_exec, CheckFailed)  # the cell still fails
    text = shown(capsys)
    assert text.strip() == ("✘ Check failed: W1 has shape (3, 2); expected (2, 3). "
                            "Rows and columns swapped?")


def test_a_called_stub_names_the_function_to_implement(shell, capsys):
    shell.run_cell(STUB)
    result = shell.run_cell("parameters = initialize_things(3)")
    assert isinstance(result.error_in_exec, NotImplementedError)
    text = shown(capsys)
    assert "initialize_things is not implemented yet" in text and "Traceback" not in text


def test_a_check_on_a_stub_says_not_implemented_in_one_line(shell, capsys):
    shell.run_cell(STUB)
    result = shell.run_cell("from helpers.checks import call\ncall(initialize_things, 3)")
    assert isinstance(result.error_in_exec, CheckFailed)
    text = shown(capsys).strip()
    assert text.startswith("✘ Check failed: initialize_things is not implemented yet")
    assert "\n" not in text


def test_other_errors_keep_their_traceback(shell, capsys):
    shell.run_cell("def broken():\n    raise NotImplementedError('subclasses define this')\n")
    result = shell.run_cell("broken()")
    assert isinstance(result.error_in_exec, NotImplementedError)
    text = shown(capsys)
    assert "Traceback" in text and "subclasses define this" in text
    shell.run_cell("1 / 0")
    assert "ZeroDivisionError" in shown(capsys)


def test_outside_ipython_nothing_is_installed():
    assert friendly.install() is False  # pytest is not an IPython shell
    assert setup_notebook() is False
