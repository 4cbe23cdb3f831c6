"""The one call a notebook's first code cell makes: ``setup_notebook()``.

Importing a module of ``helpers`` changes nothing outside it. This call opts the notebook in to
the course's display: a failed check or an unimplemented stub shows as one plain line
(``helpers.friendly``), and plots take the course's colours (``helpers.plots``).
"""

import sys


def setup_notebook():
    """Install the friendly error display and the course's plot style in the running IPython
    shell; returns whether there was one. Outside IPython (the grading worker runs the given
    cells as plain Python) it does nothing and imports nothing. Safe to call more than once."""
    if "IPython" not in sys.modules:  # no IPython shell runs without it
        return False
    from IPython import get_ipython
    shell = get_ipython()
    if shell is None:
        return False
    from helpers import friendly, plots

    plots.use_course_style()
    return friendly.install(shell)
