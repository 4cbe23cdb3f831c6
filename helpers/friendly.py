"""What a learner sees when a cell fails in Jupyter.

Two failures are the learner's daily bread and deserve one plain line instead of a traceback
through the course's code:

- a visible check that fails (``helpers.checks.CheckFailed``): its message already says what
  was expected, what came and the likely mistake; the frames of the check add nothing;
- a graded function that is still the stub nbgrader left (``# YOUR CODE HERE`` followed by
  ``raise NotImplementedError()``), called from an experiment or from another function.

``install()`` registers both with the running IPython shell (a no-op outside IPython, e.g. in
the grading worker or a plain ``python`` run). The cell still fails, with the same exception
name and message, so "Run All" stops there and nbgrader's Validate reports it; only the text
shown changes. Every other error keeps IPython's usual traceback.

And it makes "Run All" stop at the first failing cell even on a busy machine: JupyterLab sends
every cell at once, and ipykernel cancels only the requests that have already arrived when a
cell fails (``stop_on_error_timeout`` = 0 s), so on a loaded machine later cells could still
run; ``install()`` gives them STOP_ON_ERROR_SECONDS to arrive.

Importing this module installs nothing: a notebook's first code cell calls
``helpers.notebook.setup_notebook()``, which calls ``install()``.
"""

import linecache

from helpers.checks import CheckFailed

STUB_LINES = ("# YOUR CODE HERE", "raise NotImplementedError()")
STOP_ON_ERROR_SECONDS = 1.0
RED, BOLD, RESET = "\x1b[31m", "\x1b[1m", "\x1b[0m"


def stub_name(tb):
    """The name of the function whose nbgrader stub raised, if the innermost frame of the
    traceback ``tb`` is one; else None."""
    if tb is None:
        return None
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    line = linecache.getline(code.co_filename, tb.tb_lineno).strip()
    previous = linecache.getline(code.co_filename, tb.tb_lineno - 1).strip()
    if (previous, line) == STUB_LINES and code.co_name != "<module>":
        return code.co_name
    return None


def check_failed_text(message):
    """The lines shown for a failed visible check."""
    return [f"{RED}{BOLD}✘ Check failed:{RESET} {message}"]


def stub_text(name):
    """The lines shown when the stub of ``name`` is called."""
    return [f"{RED}{BOLD}✘ {name} is not implemented yet.{RESET} Replace "
            "`raise NotImplementedError()` in its cell with your code, run that cell, then run "
            "this one again."]


def _show(shell, etype, value, tb, tb_offset=None):
    if issubclass(etype, CheckFailed):
        lines = check_failed_text(value)
    elif issubclass(etype, NotImplementedError) and stub_name(tb):
        lines = stub_text(stub_name(tb))
        value = etype(f"{stub_name(tb)} is not implemented yet")  # the error's one-line summary
    else:
        lines = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    shell._showtraceback(etype, value, lines)
    return lines


def install(shell=None):
    """Show failed checks and unimplemented stubs as one plain line in this IPython shell.
    Returns whether a shell was found. Safe to call more than once."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    shell.set_custom_exc((CheckFailed, NotImplementedError), _show)
    kernel = getattr(shell, "kernel", None)  # ipykernel's Kernel, when the shell has one
    if kernel is not None and hasattr(kernel, "stop_on_error_timeout"):
        kernel.stop_on_error_timeout = max(kernel.stop_on_error_timeout, STOP_ON_ERROR_SECONDS)
    return True
