"""Executing whole notebooks in a Jupyter kernel (nbclient), as a learner's "Run All" would,
and reading back the results tables they computed."""

import json
import os
import tempfile
from pathlib import Path


def execute_notebook(path, timeout=900, cwd=None, allow_errors=False):
    """Run every cell of the notebook at ``path`` in a fresh python3 kernel and return the
    executed notebook (nbformat NotebookNode). Raises nbclient's CellExecutionError on the
    first failing cell unless ``allow_errors``."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    # IPC sockets in a private folder, not TCP ports: kernels started at the same moment by
    # other processes cannot take each other's ports.
    with tempfile.TemporaryDirectory(prefix="course-kernel-") as sockets:
        kernel = KernelManager(kernel_name="python3", transport="ipc",
                               ip=os.path.join(sockets, "kernel"))
        client = NotebookClient(notebook, km=kernel, timeout=timeout, kernel_name="python3",
                                allow_errors=allow_errors,
                                resources={"metadata": {"path": str(cwd or Path(path).parent)}})
        try:
            client.execute()
        finally:
            if kernel.has_kernel:
                kernel.shutdown_kernel(now=True)
    return notebook


def results_tables(notebook):
    """name -> rows of every helpers.display.ResultsTable the notebook displayed."""
    tables = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            # helpers.display.RESULTS_MIME; notebooks saved before it used application/json
            table = data.get("application/vnd.course.results+json", data.get("application/json"))
            if isinstance(table, str):
                table = json.loads(table)
            if isinstance(table, dict) and "rows" in table and "name" in table:
                tables[table["name"]] = table["rows"]
    return tables


def error_outputs(notebook):
    """(cell index, 'Name: value') for every error output in an executed notebook."""
    return [(index, f"{output.get('ename')}: {output.get('evalue')}")
            for index, cell in enumerate(notebook["cells"])
            for output in cell.get("outputs", []) if output.get("output_type") == "error"]
