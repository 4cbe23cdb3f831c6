"""A progress bar for long loops: a widget in JupyterLab, plain text elsewhere."""

import os
import sys


def progress_bar(total, description):
    """A tqdm bar for ``total`` steps, labelled ``description``.

    In a Jupyter kernel this is tqdm's notebook widget; in a terminal or a headless run it
    degrades to tqdm's text bar. Set COURSE_PROGRESS=0 to turn bars off (the test suite does).
    """
    disable = os.environ.get("COURSE_PROGRESS", "1") == "0"
    if "ipykernel" in sys.modules and not disable:
        from tqdm.auto import tqdm
    else:
        from tqdm import tqdm
    return tqdm(total=total, desc=description, disable=disable, leave=True,
                mininterval=0.2, unit="it")
