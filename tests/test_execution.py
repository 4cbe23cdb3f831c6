"""autograder.execution, the one way notebooks are executed: kernels over IPC in a private
folder, and a kernel that stops answering is detected in seconds with the notebook and the cell
named, long before the cell time limit (CELL below, which only bounds a broken watchdog)."""

import os
import signal

import nbformat
import pytest

from autograder.execution import ExecutionStopped, NotebookRun, execute_notebook

CELL = 120  # seconds: the cell time limit in these tests, never reached when all is well
ANSWER = 3  # seconds the kernel may stay silent here


def write(tmp_path, *sources, name="probe.ipynb"):
    path = tmp_path / name
    nbformat.write(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in sources]), path)
    return path


def stdout(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")


def test_a_notebook_runs_over_ipc_and_its_sockets_are_removed(tmp_path):
    path = write(tmp_path, "import json\nprint(json.dumps(get_ipython().kernel.session.key.decode()"
                           " != ''))",
                 "import os\nprint(os.getcwd())")
    with NotebookRun(path, cell_seconds=CELL, answer_seconds=ANSWER) as run:
        info = run.client.km.get_connection_info()
        assert info["transport"] == "ipc", info
        folder = os.path.dirname(info["ip"])
        assert os.path.basename(folder).startswith("course-kernel-")
        assert any(name.startswith("kernel-") for name in os.listdir(folder))
        for index in run.code_cells():
            run.run_cell(index)
        assert run.run_code("print(6 * 7)")[0]["text"] == "42\n"
    assert not os.path.exists(folder), "the socket folder outlives the kernel"
    assert stdout(run.notebook.cells[1]).strip() == str(tmp_path)
    assert len(run.notebook.cells) == 2, "run_code leaves the notebook as it was"


def test_a_slow_cell_is_not_mistaken_for_a_stuck_kernel(tmp_path):
    path = write(tmp_path, "import time\ntime.sleep(2 * %d)\nprint('done')" % ANSWER)
    notebook = execute_notebook(path, timeout=CELL, answer_seconds=ANSWER)
    assert stdout(notebook.cells[0]) == "done\n"


def test_a_client_slow_to_read_the_output_is_not_mistaken_for_a_broken_one(tmp_path):
    """On a busy machine the kernel may be idle long before the client has read the cell's
    output; the client is making progress, so nothing is stopped."""
    import time

    path = write(tmp_path, "from IPython.display import display\nfor i in range(12):\n"
                           "    display(i)")
    with NotebookRun(path, cell_seconds=CELL, answer_seconds=ANSWER) as run:
        read = run.client.process_message

        def slow_reader(*args, **kwargs):  # about 2 * ANSWER s for the cell's messages
            time.sleep(ANSWER / 6)
            return read(*args, **kwargs)
        run.client.process_message = slow_reader
        run.run_cell(0)
    shown = [o["data"]["text/plain"] for o in run.notebook.cells[0].outputs]
    assert shown == [str(i) for i in range(12)]


def test_a_quick_cells_status_read_late_is_not_taken_for_the_next_cells(tmp_path, monkeypatch):
    """On a busy machine the watchdog may read a quick cell's status messages only after the
    next cell has started: a next cell that computes in silence is not taken for finished."""
    import time

    import zmq

    from autograder import execution
    drain, held = execution._drain, []

    def late(channel):  # the watchdog reads IOPub ANSWER / 2 s late
        if channel.socket.type != zmq.SUB:
            return drain(channel)
        held.extend((time.monotonic(), message) for message in drain(channel))
        ready = [message for when, message in held if time.monotonic() - when >= ANSWER / 2]
        del held[:len(ready)]
        return ready
    monkeypatch.setattr(execution, "_drain", late)
    path = write(tmp_path, "x = 1", "import time\ntime.sleep(2 * %d)\nprint('done')" % ANSWER)
    notebook = execute_notebook(path, timeout=CELL, answer_seconds=ANSWER)
    assert stdout(notebook.cells[1]) == "done\n"


def test_a_frozen_kernel_is_stopped_and_the_cell_named(tmp_path):
    path = write(tmp_path, "x = 1",
                 "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)", "print(x)",
                 name="frozen.ipynb")
    with pytest.raises(ExecutionStopped) as stopped:
        execute_notebook(path, timeout=CELL, answer_seconds=ANSWER)
    message = str(stopped.value)
    assert "frozen.ipynb, cell 1 (import os, signal)" in message, message
    assert f"has not answered for {ANSWER} s" in message, message


# The kernel computes the cell and reports itself idle, but its reply is lost on the way, as
# when one of its sockets breaks.
DROP_REPLIES = """
kernel = get_ipython().kernel
send = kernel.session.send
def dropping(stream, msg_or_type, *args, **kwargs):
    if msg_or_type == "execute_reply":
        content = args[0] if args else kwargs.get("content")
        return kernel.session.msg("execute_reply", content=content)
    return send(stream, msg_or_type, *args, **kwargs)
kernel.session.send = dropping
"""


def test_a_reply_that_never_arrives_is_detected(tmp_path):
    path = write(tmp_path, "print('before')", DROP_REPLIES, name="lost.ipynb")
    with pytest.raises(ExecutionStopped) as stopped:
        execute_notebook(path, timeout=CELL, answer_seconds=ANSWER)
    message = str(stopped.value)
    assert "lost.ipynb, cell 1 (kernel = get_ipython().kernel)" in message, message
    assert "nothing more of it has arrived" in message, message


def test_a_kernel_that_dies_is_reported_with_its_cell(tmp_path):
    path = write(tmp_path, "import os\nos._exit(3)", name="dies.ipynb")
    with pytest.raises(ExecutionStopped, match=r"dies\.ipynb, cell 0 \(import os\): the kernel "
                                               r"died"):
        execute_notebook(path, timeout=CELL, answer_seconds=ANSWER)


def test_a_cell_past_its_time_limit_is_named(tmp_path):
    path = write(tmp_path, "while True:\n    pass", name="endless.ipynb")
    with pytest.raises(ExecutionStopped, match=r"endless\.ipynb, cell 0 \(while True:\): still "
                                               r"running after 2 s"):
        execute_notebook(path, timeout=2, answer_seconds=ANSWER)


def test_errors_in_cells_are_recorded_or_raised_as_before(tmp_path):
    from nbclient.exceptions import CellExecutionError

    path = write(tmp_path, "1 / 0", "print('after')")
    notebook = execute_notebook(path, timeout=CELL, allow_errors=True)
    assert notebook.cells[0].outputs[0]["ename"] == "ZeroDivisionError"
    assert stdout(notebook.cells[1]) == "after\n"
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        execute_notebook(path, timeout=CELL)


def test_no_test_or_benchmark_starts_a_kernel_its_own_way(root):
    """nbclient and jupyter_client are used in autograder/execution.py only."""
    own = {root / "autograder" / "execution.py"}
    offenders = []
    for folder in ("autograder", "benchmarks", "tests", "helpers"):
        for path in (root / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path not in own and path.name != "test_execution.py" and any(
                    word in text for word in ("NotebookClient", "KernelManager(",
                                              "ExecutePreprocessor", "start_new_kernel")):
                offenders.append(str(path.relative_to(root)))
    assert offenders == [], f"execute notebooks with autograder.execution: {offenders}"
