"""What a learner sees, in a real browser: JupyterLab started as scripts/start starts it, on a
copy of the course, driven by Playwright in Debian's headless Chromium (/usr/bin/chromium;
Playwright never downloads a browser).

- The server opens on the landing page, which lists every assignment and lecture notebook in
  order, with what each teaches and how long it takes.
- Each assignment, as released: Run All stops at the first visible check with the friendly
  "not implemented yet" message. Then the reference solutions are pasted into the graded cells,
  Run All again: every visible check passes, no cell fails, the plots and progress bars render.
- One assignment (WALKED) also the long way: running on past each failure shows every visible
  check says "not implemented yet" in one line, and once solved, nbgrader's Validate button
  reports success. (For every assignment, test_jupyterlab.py asks the Validate button's
  endpoint about the stubs and checks each visible check's message.)
- Each lecture notebook: Run All, then dragging its main slider changes the figure.
- Every figure drawn in the browser run has a title, axis labels, a legend when it shows more
  than one labelled thing, and only course colours (helpers.plots).

Screenshots of every notebook are saved under test-artifacts/screenshots/ (printed at the
start; git-ignored). Run with ``scripts/test tests/test_browser.py``; skipped, with the reason,
when Chromium or Playwright is missing (.ci/run installs Chromium).
"""

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from autograder.course import assignments, course_root, lectures, source_notebook
from autograder.execution import ipc_config, ipc_options
from autograder.notebooks import grade_id_of, read_notebook, role_of, source_of
from helpers import workspace

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TOKEN = "course-browser-token"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
VIEWPORT = {"width": 1440, "height": 960}


def _missing():
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (Debian: apt-get install chromium; .ci/run installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (scripts/setup installs it)"
    return None


pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(_missing() is not None, reason=str(_missing()))]

ASSIGNMENTS = [entry.name for entry in assignments()]
WALKED = ASSIGNMENTS[0]  # the quickest: walked past every failure and validated with the button
LECTURES = [entry.name for entry in lectures()]

NOT_IMPLEMENTED = "is not implemented yet"
PASSED = "all visible checks passed"
# Colours matplotlib picks when a plot names none: a figure using one ignored the palette.
MATPLOTLIB_DEFAULTS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                       "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"}

# Runs in the learner's kernel before Run All: records what every figure shows when it is
# rendered (inline plots and live figures alike) and every progress bar made as a notebook
# widget; PROBE_REPORT prints the records as JSON.
PLOT_PROBE = r"""
def _course_probe():
    import matplotlib.colors as colors
    from matplotlib.backend_bases import FigureCanvasBase
    records = []

    def names_things(axis):
        # tick labels given by hand or as categories ("train", "dev", ...) name what the axis
        # shows; an axis with no tick labels needs no name
        from matplotlib.category import StrCategoryFormatter
        from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter
        texts = [t.get_text() for t in axis.get_ticklabels() if t.get_visible()]
        formatter = axis.get_major_formatter()
        by_hand = (isinstance(axis.get_major_locator(), FixedLocator) and
                   isinstance(formatter, (FixedFormatter, FuncFormatter)))
        return not any(texts) or by_hand or isinstance(formatter, StrCategoryFormatter)

    def describe(figure):
        suptitle = figure._suptitle.get_text() if figure._suptitle else ""
        shared_legend = bool(figure.legends) or any(a.get_legend() for a in figure.axes)
        for ax in figure.axes:
            if ax.get_label() == "<colorbar>" or not ax.get_visible():
                continue
            artists = ax.lines + ax.collections + ax.images + ax.patches
            if not artists or not ax.axison:
                continue
            labelled = {a.get_label() for a in ax.lines + ax.collections + ax.patches
                        if a.get_label() and not a.get_label().startswith("_")}
            used = set()
            for line in ax.lines:
                used.add(colors.to_hex(line.get_color()))
            records.append({
                "execution": get_ipython().execution_count,
                "title": ax.get_title() or ax.get_title("left") or suptitle,
                "xlabel": ax.get_xlabel() or names_things(ax.xaxis),
                "ylabel": ax.get_ylabel() or names_things(ax.yaxis),
                "labelled": sorted(labelled),
                "legend": ax.get_legend() is not None or shared_legend,
                "colours": sorted(used)})

    original = FigureCanvasBase.print_figure

    def print_figure(self, *args, **kwargs):
        result = original(self, *args, **kwargs)  # drawn: tick labels are known now
        try:
            describe(self.figure)
        except Exception as error:  # a probe must never break the learner's plot
            records.append({"probe_error": repr(error)})
        return result

    FigureCanvasBase.print_figure = print_figure

    import tqdm.notebook
    bars, start = [], tqdm.notebook.tqdm.__init__

    def counted(self, *args, **kwargs):
        start(self, *args, **kwargs)
        if not self.disable:
            bars.append(self.desc)

    tqdm.notebook.tqdm.__init__ = counted
    return {"plots": records, "bars": bars}

_course_probe_records = _course_probe()
"""
PROBE_REPORT = "import json as _j; print('PROBE' + _j.dumps(_course_probe_records))"


def free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    print(f"\nscreenshots of every notebook: {SCREENSHOTS}")
    return SCREENSHOTS


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on the learner's copies of the notebooks, started like scripts/start (same
    options, same learner configuration, opening index.ipynb), with a token on 127.0.0.1."""
    course = course_root()
    folder = tmp_path_factory.mktemp("browser")
    workspace.refresh(course, folder)  # the learner's copies, as scripts/start makes them
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the kernel draws inline, as for a learner
    env.pop("COURSE_PROGRESS", None)  # progress bars on, as for a learner
    env["JUPYTER_CONFIG_PATH"] = str(ROOT / "scripts" / "jupyter")
    # Kernels over IPC, the Validate button's too (nbgrader reads its own configuration), so
    # that no other process on the machine can take their ports
    env["JUPYTER_CONFIG_DIR"] = str(folder / "config")
    (folder / "config").mkdir()
    (folder / "sockets").mkdir()
    (folder / "config" / "nbgrader_config.json").write_text(
        json.dumps(ipc_config(folder / "sockets")))
    port = free_port()
    log_path = folder / "lab.log"
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
         "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", "--LabApp.news_url=None",
         "--LabApp.expose_app_in_browser=True", f"--ServerApp.root_dir={folder}",
         *ipc_options(), *(["--allow-root"] if os.geteuid() == 0 else []), "index.ipynb"],
        cwd=folder, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"JupyterLab did not start:\n{log_path.read_text()}")
            time.sleep(0.5)
    yield {"url": url, "folder": folder}
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    assert "Kernel is running over TCP" not in log_path.read_text(), \
        "a kernel of this JupyterLab used TCP"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, lab):
    """A fresh browser tab; every kernel it started is shut down afterwards."""
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    problems = []
    tab.on("pageerror", lambda error: problems.append(str(error)))
    yield tab
    context.close()
    shut_down_kernels(lab)


def api(lab, path, method="GET"):
    request = urllib.request.Request(f"{lab['url']}{path}", method=method,
                                     headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read().decode()
    return json.loads(body) if body else None


def shut_down_kernels(lab):
    for session in api(lab, "/api/sessions"):
        api(lab, f"/api/sessions/{session['id']}", method="DELETE")


# ---------------------------------------------------------------- driving JupyterLab

NOTEBOOK = "window.jupyterapp.shell.currentWidget"

CELLS_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.map((cell, index) => {
    const model = cell.model;
    const outputs = model.type === 'code' ? model.outputs.toJSON() : [];
    const area = cell.node.querySelector('.jp-Cell-outputArea');
    return {
      index, type: model.type, source: model.sharedModel.getSource(),
      nbgrader: model.getMetadata('nbgrader') || null,
      count: model.type === 'code' ? model.executionCount : null,
      outputs: outputs.map(o => ({type: o.output_type, ename: o.ename || null,
                                  evalue: o.evalue || null, name: o.name || null,
                                  text: Array.isArray(o.text) ? o.text.join('') : (o.text || ''),
                                  mimes: Object.keys(o.data || {})})),
      shown: area ? area.textContent : '',
      images: area ? area.querySelectorAll('img').length : 0,
      widgets: area ? area.querySelectorAll('.jupyter-widgets').length : 0,
      progress: area ? area.querySelectorAll('.widget-hprogress, .widget-progress').length : 0,
    };
  });
}"""

BUSY_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return true;
  return panel.content.widgets.some(cell => cell.model.type === 'code' &&
      (cell.model.executionState === 'running' ||
       (cell.promptNode && cell.promptNode.textContent.includes('*'))));
}"""

# Runs code in the notebook's kernel as the front end would, and returns its stdout.
EXECUTE_JS = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, silent: false, store_history: false});
  let text = '';
  future.onIOPub = message => {
    if (message.header.msg_type === 'stream') text += message.content.text;
    if (message.header.msg_type === 'error') text += 'ERROR ' + message.content.ename + ': ' + message.content.evalue;
  };
  await future.done;
  return text;
}"""


def open_notebook(page, lab, path):
    """Open ``path`` (relative to the lab's root) in a fresh workspace; wait for its kernel."""
    started = time.monotonic()
    page.goto(f"{lab['url']}/lab/tree/{path}?reset&token={TOKEN}")
    page.wait_for_function(
        f"() => window.jupyterapp && {NOTEBOOK} && {NOTEBOOK}.context && "
        f"{NOTEBOOK}.context.path === {json.dumps(path)} && {NOTEBOOK}.content.widgets.length",
        timeout=120_000)
    page.wait_for_function(
        f"() => {{ const s = {NOTEBOOK}.sessionContext.session; "
        "return s && s.kernel && s.kernel.status === 'idle'; }", timeout=120_000)
    return time.monotonic() - started


def wait_until_idle(page, timeout=300):
    """Wait until the kernel is idle and no cell is running or queued (three calm polls)."""
    deadline, calm = time.monotonic() + timeout, 0
    page.wait_for_timeout(150)
    while calm < 3:
        if time.monotonic() > deadline:
            raise AssertionError(f"cells still running after {timeout} s")
        calm = 0 if page.evaluate(BUSY_JS) else calm + 1
        page.wait_for_timeout(150)


def menu(page, top, item):
    """Click ``top`` in the menu bar, then ``item`` in its menu, as a learner does."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-itemLabel").get_by_text(item, exact=True).click()


# Keeps the promise of every notebook:run-* command (what the Run menu's items execute): it
# settles when every cell the command ran has finished or was aborted after a failure.
WATCH_RUNS_JS = """() => {
  if (window.courseRuns) return;
  window.courseRuns = [];
  window.jupyterapp.commands.commandExecuted.connect((_, executed) => {
    if (executed.id.startsWith('notebook:run'))
      window.courseRuns.push(Promise.resolve(executed.result).then(() => 'ok', () => 'failed'));
  });
}"""

AWAIT_RUNS_JS = """async (milliseconds) => {
  const timeout = new Promise((_, reject) =>
      setTimeout(() => reject(new Error('cells still running')), milliseconds));
  await Promise.race([Promise.all(window.courseRuns), timeout]);
}"""


def run_menu_item(page, item, timeout):
    """Click Run > ``item`` and wait until every cell it ran has finished and the kernel is
    idle; returns the seconds it took."""
    started = time.monotonic()
    page.evaluate(WATCH_RUNS_JS)
    runs = page.evaluate("() => window.courseRuns.length")
    menu(page, "Run", item)
    page.wait_for_function(f"() => window.courseRuns.length > {runs}", timeout=30_000)
    page.evaluate(AWAIT_RUNS_JS, timeout * 1000)
    wait_until_idle(page, 60)
    return time.monotonic() - started


def run_all(page, timeout=300):
    """Run > Run All Cells; returns the seconds until the notebook is idle again."""
    return run_menu_item(page, "Run All Cells", timeout)


def run_from(page, index, timeout=300):
    """Click cell ``index`` (its prompt area, as a learner selects a cell) and use
    Run > Run Selected Cell and All Below."""
    prompt = cell_locator(page, index).locator(".jp-InputPrompt, .jp-Cell-inputCollapser")
    for _ in range(3):
        prompt.first.scroll_into_view_if_needed()
        prompt.first.click()
        if page.evaluate(f"() => {NOTEBOOK}.content.activeCellIndex") == index:
            break
        page.wait_for_timeout(500)
    else:
        raise AssertionError(f"cell {index} could not be selected")
    run_menu_item(page, "Run Selected Cell and All Below", timeout)


def cells(page):
    return page.evaluate(CELLS_JS)


def cell_locator(page, index):
    return page.locator(f".jp-NotebookPanel:not(.lm-mod-hidden) "
                        f".jp-Cell[data-windowed-list-index='{index}']")


def errors(cell):
    return [output for output in cell["outputs"] if output["type"] == "error"]


def role(cell):
    grader = cell["nbgrader"] or {}
    if cell["type"] != "code":
        return cell["type"]
    return "solution" if grader.get("solution") else "test" if grader.get("grade") else "other"


def paste_into_cell(page, index, text):
    """Replace the text of cell ``index`` by pasting ``text`` into its editor: click into the
    editor, select all, paste (a clipboard paste event, as Ctrl+V makes), leave the editor."""
    show_cell(page, index)
    cell_locator(page, index).locator(".jp-InputPrompt").first.click()  # select the cell
    page.keyboard.press("Enter")  # edit it: JupyterLab makes the editor of a cell on demand
    editor = cell_locator(page, index).locator(".cm-content")
    editor.wait_for(timeout=30_000)
    page.wait_for_function(
        f"(i) => {NOTEBOOK}.content.mode === 'edit' && {NOTEBOOK}.content.activeCellIndex === i",
        arg=index, timeout=30_000)
    page.keyboard.press("Control+a")
    editor.evaluate("""(node, text) => {
        const data = new DataTransfer();
        data.setData('text/plain', text);
        node.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true,
                                                        cancelable: true}));
    }""", text)
    page.keyboard.press("Escape")
    pasted = page.evaluate(
        f"(i) => {NOTEBOOK}.content.widgets[i].model.sharedModel.getSource()", index)
    assert pasted == text, f"cell {index}: the pasted text did not arrive in the editor"


def kernel_output(page, code):
    return page.evaluate(EXECUTE_JS, code)


def probe_records(page):
    """What PLOT_PROBE saw: {"plots": [one record per axes drawn], "bars": [the description
    of every progress bar shown as a notebook widget]}."""
    text = kernel_output(page, PROBE_REPORT)
    assert "PROBE" in text, text
    return json.loads(text.split("PROBE", 1)[1].strip())


def screenshot_whole(page, path, max_height=16000):
    """A screenshot of the whole notebook: the window is made as tall as the notebook."""
    height = page.evaluate(f"""() => {{
        const node = {NOTEBOOK}.content.node;
        const scrolled = [node, ...node.querySelectorAll('.jp-WindowedPanel-outer')];
        return Math.max(...scrolled.map(element => element.scrollHeight)); }}""")
    page.set_viewport_size({"width": VIEWPORT["width"],
                            "height": int(min(max(height, VIEWPORT["height"]), max_height))})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path))
    page.set_viewport_size(VIEWPORT)
    page.wait_for_timeout(300)


def show_cell(page, index):
    """Scroll so that cell ``index`` is in the middle of the window."""
    page.evaluate(f"(i) => {{ {NOTEBOOK}.content.activeCellIndex = i; }}", index)
    for _ in range(2):  # cells above may change height as they come into view: settle twice
        cell_locator(page, index).evaluate("node => node.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(400)


def solutions(assignment):
    """grade_id -> the reference solution's text as a learner would write it (the source
    notebook's solution cell without nbgrader's BEGIN/END SOLUTION marker lines)."""
    texts = {}
    for cell in read_notebook(source_notebook(assignment, course_root()))["cells"]:
        if role_of(cell) == "solution":
            lines = [line for line in source_of(cell).splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")]
            texts[grade_id_of(cell)] = "\n".join(lines)
    return texts


def check_plots(records, where):
    """Every recorded figure axes has a title, axis labels (tick labels that are words, e.g.
    category names, count as one), a legend when it shows more than one labelled thing (one
    legend may serve every panel of a figure), and no matplotlib default colour."""
    problems = [record["probe_error"] for record in records if "probe_error" in record]
    for record in records:
        if "probe_error" in record:
            continue
        name = f"{where}, cell [{record['execution']}], axes {record['title']!r}"
        if not record["title"]:
            problems.append(f"{name}: no title")
        if not record["xlabel"] or not record["ylabel"]:
            problems.append(f"{name}: an axis has no label "
                            f"(x {record['xlabel']!r}, y {record['ylabel']!r})")
        if len(record["labelled"]) >= 2 and not record["legend"]:
            problems.append(f"{name}: {record['labelled']} are labelled but there is no legend")
        defaults = set(record["colours"]) & MATPLOTLIB_DEFAULTS
        if defaults:
            problems.append(f"{name}: matplotlib default colours {sorted(defaults)}, "
                            "not the course palette")
    return sorted(set(problems))


def walk_past_failures(page, tests):
    """Carry on past each failure (Run Selected Cell and All Below), as a learner who wants to
    see every check does, and check that each visible check (``tests``, cells of the first
    Run All) and each stub met on the way says "not implemented yet" in one line. Each round
    starts at the first code cell that has not run (it always runs: it is first). Returns the
    seconds it took."""
    started = time.monotonic()
    state = cells(page)
    for _ in range(len(state)):
        state = cells(page)
        waiting = [cell for cell in state if cell["type"] == "code" and cell["count"] is None]
        if not waiting:
            break
        run_from(page, waiting[0]["index"])
    else:
        raise AssertionError("Run Selected Cell and All Below did not get to the end")
    for cell in tests:
        cell = state[cell["index"]]
        problems = errors(cell)
        assert problems, f"cell {cell['index']}: the check passed on the stubs: {cell}"
        assert NOT_IMPLEMENTED in problems[0]["evalue"], problems[0]
        shown = cell["shown"].strip()
        assert shown.startswith("✘ Check failed:") and NOT_IMPLEMENTED in shown, shown
        assert "Traceback" not in shown and "helpers/" not in shown, \
            f"the learner sees our frames, not just the message: {shown[:300]}"
    for cell in state:
        for problem in errors(cell):
            if problem["ename"] == "NotImplementedError":
                assert NOT_IMPLEMENTED in cell["shown"] and "Traceback" not in cell["shown"], \
                    f"cell {cell['index']}: a stub's error is not explained: {cell['shown'][:300]}"
    return time.monotonic() - started


# ---------------------------------------------------------------- the landing page

def test_lab_opens_on_the_landing_page_listing_the_course_in_order(page, lab, screenshots):
    # where `jupyter lab index.ipynb` (scripts/start) sends the learner's browser
    page.goto(f"{lab['url']}/lab/tree/index.ipynb?token={TOKEN}")
    page.wait_for_function(f"() => window.jupyterapp && {NOTEBOOK} && {NOTEBOOK}.context",
                           timeout=120_000)
    assert page.evaluate(f"() => {NOTEBOOK}.context.path") == "index.ipynb"
    page.wait_for_selector(".jp-RenderedMarkdown table a", timeout=60_000)
    page.wait_for_timeout(500)
    links = page.eval_on_selector_all(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown table a",
        "links => links.map(a => a.getAttribute('href'))")
    # JupyterLab rewrites a relative link to the server's /files/ address of the file
    links = [re.sub(r"^.*?/files/|\?.*$", "", link) for link in links]
    expected = ([f"release/{name}/{name}.ipynb" for name in ASSIGNMENTS] +
                [f"notebooks/{name}.ipynb" for name in LECTURES])
    assert links == expected, "the landing page lists the course in course.toml's order"
    text = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").inner_text()
    text = re.sub(r"\s+", " ", text)
    for entry in assignments() + lectures():
        assert entry.title in text and f"{entry.minutes} min" in text, entry.name
    # no news pop-up and no instructor panels in the learner's JupyterLab
    assert page.locator("text=Would you like to get notified").count() == 0
    assert page.locator("text=Create Assignment").count() == 0
    screenshot_whole(page, screenshots / "00-index.png")
    # a link opens its notebook
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown table a").first.click()
    page.wait_for_function(f"() => {NOTEBOOK}.context.path === {json.dumps(expected[0])}",
                           timeout=60_000)


# ---------------------------------------------------------------- assignments

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_assignment_from_stubs_to_solved(page, lab, screenshots, assignment):
    number = ASSIGNMENTS.index(assignment) + 1
    prefix = screenshots / f"{number:02d}-{assignment}"
    path = f"release/{assignment}/{assignment}.ipynb"
    opened = open_notebook(page, lab, path)
    timings = {"open": opened}

    # 1. The stubs: Run All stops at the first visible check, with the friendly message.
    timings["stubs"] = run_all(page)
    state = cells(page)
    failed = [cell for cell in state if errors(cell)]
    tests = [cell for cell in state if role(cell) == "test"]
    assert failed and failed[0]["index"] == tests[0]["index"], \
        "Run All on the stubs stops at the first visible check"
    assert all(cell["count"] is None for cell in state[failed[0]["index"] + 1:]
               if cell["type"] == "code"), "Run All stops at the first failure"
    show_cell(page, failed[0]["index"])
    page.screenshot(path=f"{prefix}-1-first-check.png")

    if assignment == WALKED:
        timings["past failures"] = walk_past_failures(page, tests)
        screenshot_whole(page, f"{prefix}-2-stubs.png")

    # 2. Paste the reference solutions into the graded cells and run everything again.
    references = solutions(assignment)
    graded = [cell for cell in state if role(cell) == "solution"]
    assert {cell["nbgrader"]["grade_id"] for cell in graded} == set(references)
    started = time.monotonic()
    for cell in graded:
        paste_into_cell(page, cell["index"], references[cell["nbgrader"]["grade_id"]])
    timings["paste"] = time.monotonic() - started
    kernel_output(page, PLOT_PROBE)
    timings["solved"] = run_all(page, timeout=400)
    state = cells(page)
    failures = [(cell["index"], f"{e['ename']}: {e['evalue']}") for cell in state
                for e in errors(cell)]
    assert failures == [], f"cells fail with the reference solutions: {failures}"
    assert all(cell["count"] is not None for cell in state if cell["type"] == "code")
    for cell in (state[cell["index"]] for cell in tests):
        assert PASSED in cell["shown"], f"cell {cell['index']}: {cell['shown'][:300]}"

    # The plots and widgets render; progress bars are widgets, not text in stderr.
    with_png = [cell for cell in state if any("image/png" in o["mimes"] for o in cell["outputs"])]
    assert with_png, "the experiments draw plots"
    for cell in with_png:
        pngs = sum("image/png" in o["mimes"] for o in cell["outputs"])
        assert cell["images"] >= pngs, f"cell {cell['index']}: a plot did not render"
    for cell in state:
        views = sum("application/vnd.jupyter.widget-view+json" in o["mimes"]
                    for o in cell["outputs"])
        assert cell["widgets"] >= views, f"cell {cell['index']}: a widget did not render"
        assert "Error displaying widget" not in cell["shown"]
        assert not any("it/s]" in o["text"] for o in cell["outputs"] if o["type"] == "stream"), \
            f"cell {cell['index']}: a progress bar fell back to text"
        assert "application/json" not in {m for o in cell["outputs"] for m in o["mimes"]}, \
            f"cell {cell['index']}: JupyterLab shows raw JSON"
    progress = sum(cell["progress"] for cell in state)
    probed = probe_records(page)
    assert progress == len(probed["bars"]), \
        f"{len(probed['bars'])} progress bars were made, {progress} rendered as widgets"
    problems = check_plots(probed["plots"], assignment)
    first_plot = with_png[0]["index"]
    started = time.monotonic()
    show_cell(page, first_plot)
    page.screenshot(path=f"{prefix}-3-first-plot.png")
    screenshot_whole(page, f"{prefix}-4-solved.png")
    timings["screenshots"] = time.monotonic() - started

    # 3. nbgrader's Validate button (saves, then validates the file on the server).
    if assignment == WALKED:
        started = time.monotonic()
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar-item",
                     has_text="Validate").click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=400_000)
        page.wait_for_timeout(300)
        timings["validate"] = time.monotonic() - started
        page.screenshot(path=f"{prefix}-5-validate.png")
        message = dialog.inner_text()
        assert "Success! Your notebook passes all the tests." in message, message
    print(f"\n{assignment}: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()) +
          f"; {len(with_png)} plot cells, {progress} progress bars, "
          f"{len(probed['plots'])} axes checked")
    assert problems == [], "unreadable plots:\n" + "\n".join(problems)


# ---------------------------------------------------------------- lecture notebooks

@pytest.mark.parametrize("lecture", LECTURES)
def test_lecture_slider_changes_the_figure(page, lab, screenshots, lecture):
    number = LECTURES.index(lecture) + 1
    prefix = screenshots / f"L{number:02d}-{lecture}"
    open_notebook(page, lab, f"notebooks/{lecture}.ipynb")
    kernel_output(page, PLOT_PROBE)
    seconds = run_all(page)
    state = cells(page)
    failures = [(cell["index"], f"{e['ename']}: {e['evalue']}") for cell in state
                for e in errors(cell)]
    assert failures == [], failures
    for cell in state:
        assert "Error displaying widget" not in cell["shown"], cell["index"]
    slider = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .lecture-main-slider").first
    slider.wait_for(timeout=60_000)
    live = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .lecture-live-plot",
                        has=page.locator(".lecture-main-slider")).first
    image = live.locator("img").first
    image.wait_for(timeout=60_000)
    live.scroll_into_view_if_needed()
    before = image.get_attribute("src")
    live.screenshot(path=f"{prefix}-1-before.png")

    handle = slider.locator(".noUi-handle").first
    box = handle.bounding_box()
    track = slider.locator(".noUi-target").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    target = track["x"] + (0.15 if x > track["x"] + track["width"] / 2 else 0.85) * track["width"]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(target, y, steps=8)
    page.mouse.up()
    page.wait_for_function(
        "([node, before]) => { const img = node.querySelector('img'); "
        "return img && img.getAttribute('src') !== before; }",
        arg=[live.element_handle(), before], timeout=60_000)
    live.screenshot(path=f"{prefix}-2-after.png")
    screenshot_whole(page, f"{prefix}-3-notebook.png")
    problems = check_plots(probe_records(page)["plots"], lecture)
    print(f"\n{lecture}: ran in {seconds:.1f} s; the main slider changed the figure")
    assert problems == [], "unreadable plots:\n" + "\n".join(problems)
