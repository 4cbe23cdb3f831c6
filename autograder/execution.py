"""Executing notebooks in a Jupyter kernel (nbclient), as a learner's "Run All" would, and
reading back the results tables they computed.

Every test, benchmark and command that runs a notebook goes through ``NotebookRun`` (or
``execute_notebook``, built on it), so every kernel is started the same way:

- **IPC sockets in a private folder**, not TCP ports: a kernel started at the same moment by
  another process (a second test run, JupyterLab, a grading run) cannot take its ports.
- **A watchdog** with its own connection to the kernel. While a cell runs it asks the kernel
  for its info on the control channel, which ipykernel answers from its own thread even while
  a cell computes, and it follows the kernel's status on IOPub. If the kernel stops answering,
  or has finished the cell (its status is idle, or its reply came) while nothing more of the
  cell reaches our client (a broken socket), for ``answer_seconds`` in a row, the watchdog stops the kernel and the run fails at once with
  ``ExecutionStopped``, naming the notebook and the cell, instead of waiting for the cell
  timeout. A client that is only slow to read the cell's output (a busy machine) is making
  progress, and is left alone: no output is dropped for being late.
- **Nudged sockets**: while a cell runs, the client's sockets are asked for their events every
  second, so a reply that arrived while the event loop was not looking is read at once (see
  ``NotebookRun._execute_cell``): on a busy machine this, not a dead kernel, was what left a
  lecture test waiting out its 300 s cell time limit.
"""

import asyncio
import json
import os
import queue
import signal
import tempfile
import threading
import time
from pathlib import Path

ANSWER_SECONDS = 20.0  # a kernel silent this long while it should answer is stuck
CELL_SECONDS = 900.0  # bound on one cell that keeps computing (an endless loop)
PING_SECONDS = 1.0  # how often the watchdog asks the kernel


class ExecutionStopped(RuntimeError):
    """A notebook's run stopped before its end: the kernel died, stopped answering, or a cell
    ran past its time limit. The message names the notebook and the cell."""


def describe(cell):
    """A short label for a cell: its first line of code that is not a comment."""
    for line in cell.get("source", "").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return line if len(line) <= 60 else line[:57] + "..."
    return "(empty)"


class _Watchdog(threading.Thread):
    """Watches one kernel from a thread of its own (see the module docstring). ``watch(cell)``
    before a cell runs, ``expect(msg_id)`` once its execute request is sent, ``watch(None)``
    after, ``progressed()`` whenever the client reads one of the cell's messages; ``reason``
    says why it stopped the kernel."""

    def __init__(self, connection_info, session_id, pid, answer_seconds):
        super().__init__(name="kernel-watchdog", daemon=True)
        self.connection_info, self.session_id, self.pid = connection_info, session_id, pid
        self.answer_seconds = answer_seconds
        self.reason = None
        self.listening = threading.Event()  # IOPub messages reach the watchdog
        self._cell = None  # (cell, monotonic time it started) while a cell runs
        self._request = None  # the msg_id of the running cell's execute request, once sent
        self._progress = 0.0  # when the client last read a message of the running cell
        self._stopping = threading.Event()

    def watch(self, cell):
        self._request = None
        self._cell = None if cell is None else (cell, time.monotonic())

    def expect(self, msg_id):
        self._request = msg_id

    def progressed(self):
        self._progress = time.monotonic()

    def stop(self):
        self._stopping.set()
        self.join(timeout=10)

    def run(self):
        import zmq
        from jupyter_client import BlockingKernelClient

        client = BlockingKernelClient()
        client.load_connection_info(self.connection_info)
        client.start_channels(shell=False, iopub=True, stdin=False, hb=False, control=True)
        # Only the kernel's own small messages (status, execute_input), never the cells'
        # outputs: the publisher filters, so no figure is copied here and none can crowd out
        # a status message
        client.iopub_channel.socket.setsockopt(zmq.UNSUBSCRIBE, b"")
        client.iopub_channel.socket.setsockopt(zmq.SUBSCRIBE, b"kernel.")
        try:
            self._loop(client)
        except Exception as error:  # the watchdog's own sockets broke: say so, do not hang
            if not self._stopping.is_set():
                self._give_up(f"the watchdog lost its connection to the kernel ({error})")
        finally:
            client.stop_channels()

    def _loop(self, client):
        heard = time.monotonic()  # last sign of life: a control reply or any IOPub message
        asked = None  # when the kernel_info_request still unanswered was sent
        answered = 0.0  # when the last one was answered
        finished = {}  # msg_id of each of our execute requests -> when the kernel went idle
        replied = None  # (cell, when the watchdog saw that its reply had come)
        while not self._stopping.wait(PING_SECONDS / 4):
            if asked is None and time.monotonic() - answered >= PING_SECONDS:
                client.control_channel.send(client.session.msg("kernel_info_request"))
                asked = time.monotonic()
            for message in _drain(client.control_channel):
                if message["msg_type"] == "kernel_info_reply":
                    heard = answered = time.monotonic()
                    asked = None
            for message in _drain(client.iopub_channel):
                heard = time.monotonic()
                self.listening.set()
                parent = message.get("parent_header", {})
                if (message["msg_type"] == "status" and parent.get("session") == self.session_id
                        and parent.get("msg_type") == "execute_request"
                        and message["content"]["execution_state"] == "idle"):
                    finished[parent["msg_id"]] = heard
            cell, now = self._cell, time.monotonic()
            if cell is None:
                continue
            if asked is not None and now - max(cell[1], heard) > self.answer_seconds:
                self._give_up(f"the kernel has not answered for {self.answer_seconds:g} s")
                return
            # The kernel has finished this cell when it went idle after the cell's own request
            # (by its msg_id: on a busy machine this thread may read the previous cell's
            # status late), or when nbclient noted the reply (record_timing)
            request = self._request
            done_at = [finished[request]] if request in finished else []
            if "shell.execute_reply" in cell[0].get("metadata", {}).get("execution", {}):
                if replied is None or replied[0] is not cell[0]:
                    replied = (cell[0], now)
                done_at.append(replied[1])
            if done_at and now - max(*done_at, self._progress) > self.answer_seconds:
                self._give_up("the kernel has finished the cell but nothing more of it has "
                              f"arrived for {self.answer_seconds:g} s (a broken connection)")
                return

    def _give_up(self, reason):
        self.reason = reason
        try:
            os.kill(self.pid, signal.SIGKILL)  # nbclient sees the kernel die within a second
        except OSError:
            pass


def _drain(channel):
    """Every message waiting on ``channel``, without blocking."""
    messages = []
    while True:
        try:
            messages.append(channel.get_msg(timeout=0))
        except queue.Empty:
            return messages


class NotebookRun:
    """One notebook in one fresh python3 kernel, run cell by cell::

        with NotebookRun(path) as run:
            for index in run.code_cells():
                run.run_cell(index)
            outputs = run.run_code("print(42)")  # more code in the same kernel

    ``notebook`` (an nbformat NotebookNode) replaces reading ``path``; the kernel starts in
    ``cwd`` (default: the notebook's folder). ``allow_errors`` records a cell's exception in its
    outputs instead of raising nbclient's CellExecutionError. ``cell_seconds`` bounds a cell
    that keeps computing; ``answer_seconds`` is how long the kernel may stop answering (see
    the module docstring). Whatever stops the run early raises ExecutionStopped."""

    def __init__(self, path, notebook=None, cwd=None, allow_errors=False,
                 cell_seconds=CELL_SECONDS, answer_seconds=ANSWER_SECONDS):
        import nbformat
        self.path = Path(path)
        self.notebook = notebook if notebook is not None else nbformat.read(path, as_version=4)
        self.cwd = Path(cwd or self.path.parent)
        self.allow_errors = allow_errors
        self.cell_seconds, self.answer_seconds = cell_seconds, answer_seconds
        self.client = self._watchdog = self._sockets = self._kernel = None
        self.pid = None  # the kernel's process id while it runs

    def __enter__(self):
        from jupyter_client.manager import AsyncKernelManager
        from nbclient import NotebookClient
        from traitlets.config import Config

        self._sockets = tempfile.TemporaryDirectory(prefix="course-kernel-")
        config = Config({"KernelManager": {
            "transport": "ipc", "ip": os.path.join(self._sockets.name, "kernel")}})
        # Output that is late on a busy machine is waited for (the watchdog tells late from
        # lost), and never dropped in silence.
        self.client = NotebookClient(
            self.notebook, timeout=self.cell_seconds, kernel_name="python3",
            iopub_timeout=int(self.cell_seconds), raise_on_iopub_timeout=True, record_timing=True,
            kernel_manager_class=AsyncKernelManager, config=config,
            allow_errors=self.allow_errors, resources={"metadata": {"path": str(self.cwd)}})
        self._kernel = self.client.setup_kernel()
        try:
            self._kernel.__enter__()
            self.pid = self.client.km.provisioner.pid
            self._watchdog = _Watchdog(self.client.km.get_connection_info(session=False),
                                       self.client.kc.session.session, self.pid,
                                       self.answer_seconds)
            self._watchdog.start()
            send = self.client.kc.execute  # how nbclient sends each cell's execute request

            def execute(*args, **kwargs):
                msg_id = send(*args, **kwargs)
                self._watchdog.expect(msg_id)
                return msg_id
            self.client.kc.execute = execute
            read = self.client.process_message  # every IOPub message of a cell passes here

            def process_message(*args, **kwargs):
                self._watchdog.progressed()
                return read(*args, **kwargs)
            self.client.process_message = process_message
            if not self._watchdog.listening.wait(self.answer_seconds):
                raise ExecutionStopped(f"{self.path}: the kernel started but did not answer "
                                       f"within {self.answer_seconds:g} s")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        if self._watchdog is not None:
            self._watchdog.stop()
        if self._kernel is not None:
            self._kernel.__exit__(None, None, None)  # shuts the kernel down
        if self._sockets is not None:
            self._sockets.cleanup()
        self.pid = None
        return False

    def code_cells(self):
        """Indices of the notebook's code cells, in order."""
        return [index for index, cell in enumerate(self.notebook.cells)
                if cell.cell_type == "code"]

    def run_cell(self, index):
        """Execute cell ``index`` of the notebook; its outputs land in the cell."""
        from jupyter_core.utils import run_sync
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        cell = self.notebook.cells[index]
        where = f"{self.path}, cell {index} ({describe(cell)})"
        cell.get("metadata", {}).pop("execution", None)  # times of an earlier run, if any
        self._watchdog.watch(cell)
        try:
            return run_sync(self._execute_cell)(cell, index)
        except CellExecutionError:
            raise
        except CellTimeoutError:
            raise ExecutionStopped(f"{where}: still running after {self.cell_seconds:g} s "
                                   "(the cell time limit)") from None
        except Exception as error:
            if self._watchdog.reason:
                raise ExecutionStopped(f"{where}: {self._watchdog.reason}; the kernel was "
                                       "stopped") from None
            if isinstance(error, DeadKernelError):
                raise ExecutionStopped(f"{where}: the kernel died") from None
            raise ExecutionStopped(f"{where}: {type(error).__name__}: {error}") from error
        finally:
            self._watchdog.watch(None)

    async def _execute_cell(self, cell, index):
        """nbclient's execute_cell, with the client's sockets nudged every second meanwhile.

        On a busy machine a message can sit in a socket while the event loop waits for its file
        descriptor, which signals only once per change (edge-triggered): nbclient then waits
        for the cell time limit although the reply is there. Reading a socket's EVENTS, as
        ZeroMQ advises, makes pyzmq look again and hand over what is waiting."""
        import zmq

        async def nudge():
            while True:
                await asyncio.sleep(PING_SECONDS)
                for channel in (self.client.kc.shell_channel, self.client.kc.iopub_channel):
                    channel.socket.get(zmq.EVENTS)

        nudging = asyncio.ensure_future(nudge())
        try:
            return await self.client.async_execute_cell(cell, index)
        finally:
            nudging.cancel()

    def run_code(self, source):
        """Execute ``source`` in the same kernel as a cell appended for the moment; returns
        that cell's outputs (the notebook is left as it was)."""
        import nbformat
        cell = nbformat.v4.new_code_cell(source)
        self.notebook.cells.append(cell)
        try:
            self.run_cell(len(self.notebook.cells) - 1)
        finally:
            self.notebook.cells.pop()
        return cell.outputs


def execute_notebook(path, timeout=CELL_SECONDS, cwd=None, allow_errors=False,
                     answer_seconds=ANSWER_SECONDS):
    """Run every cell of the notebook at ``path`` in a fresh python3 kernel and return the
    executed notebook (nbformat NotebookNode). Raises nbclient's CellExecutionError on the
    first failing cell unless ``allow_errors``, and ExecutionStopped when the kernel dies,
    stops answering, or a cell runs longer than ``timeout`` seconds."""
    with NotebookRun(path, cwd=cwd, allow_errors=allow_errors, cell_seconds=timeout,
                     answer_seconds=answer_seconds) as run:
        for index in run.code_cells():
            run.run_cell(index)
        return run.notebook


def ipc_options(folder=None):
    """Command-line options that make a Jupyter program this course starts but does not drive
    (JupyterLab, stock ``nbgrader autograde``) start its kernels over IPC too. The sockets go
    next to each kernel's connection file, or into ``folder`` when given: nbgrader names no
    connection file and would otherwise put them in its working folder."""
    return [f"--KernelManager.{name}={value}" for name, value in _ipc_settings(folder).items()]


def ipc_config(folder):
    """The same as a Jupyter configuration (for nbgrader_config.json in a Jupyter config
    folder): what makes nbgrader's Validate, which runs inside a JupyterLab server and reads only
    nbgrader's configuration, start its kernels over IPC with sockets in ``folder``."""
    return {"KernelManager": _ipc_settings(folder)}


def _ipc_settings(folder):
    settings = {"transport": "ipc"}
    if folder is not None:
        settings["ip"] = os.path.join(folder, "kernel")
    return settings


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
