"""Live figures for the lecture notebooks: ipywidgets controls above a matplotlib figure that is
redrawn whenever a control changes.

A lecture cell gives a drawing function and its controls, and shows the result:

    def draw(figure, beta, corrected):
        ax = figure.subplots()
        ...

    LivePlot(draw, beta=slider("β", 0.5, 0.99, 0.01, 0.9),
             corrected=checkbox("bias correction"), main="beta")

``draw(figure, **values)`` receives a fresh matplotlib Figure and the controls' current values
as keyword arguments (one per control, named as in the call). The figure is rendered to PNG
once per change and shown in an ipywidgets.Output; ``LivePlot.png`` keeps the bytes of the last
rendering, so a test can set a control's value and see that the picture changed. Figures never
go through pyplot: nothing is left open, and the inline backend never shows a figure twice.

The ``main`` control of a notebook carries the CSS class ``MAIN_SLIDER_CLASS``, so a browser
test can find the one slider that must change the plot. This needs no ipympl and runs headless
(nbclient): setting ``control.value`` from Python fires the same callback a browser would.
"""

import io
import traceback

import ipywidgets as widgets
from IPython.display import Image, display
from matplotlib.figure import Figure

MAIN_SLIDER_CLASS = "lecture-main-slider"
LIVE_PLOT_CLASS = "lecture-live-plot"
DPI = 80
# Fixed margins instead of a layout engine: constrained layout doubles the time of a redraw.
# A draw function that needs others calls figure.subplots_adjust(...).
MARGINS = dict(left=0.07, right=0.985, bottom=0.15, top=0.89, wspace=0.28, hspace=0.45)

_LIVE_PLOTS = []  # every LivePlot made in this kernel, in order (see live_plots)

_STYLE = {"description_width": "initial"}
_WIDE = widgets.Layout(width="380px")


def slider(description, min, max, step, value, readout_format=None):
    """A slider for a number in [min, max]: an IntSlider when every bound is an int, else a
    FloatSlider. It updates the figure when released, not while dragged."""
    integer = all(isinstance(number, int) for number in (min, max, step, value))
    kind = widgets.IntSlider if integer else widgets.FloatSlider
    options = {} if readout_format is None else {"readout_format": readout_format}
    return kind(description=description, min=min, max=max, step=step, value=value,
                continuous_update=False, style=_STYLE, layout=_WIDE, **options)


def log_slider(description, min_exponent, max_exponent, value, step=0.1,
               readout_format=".3g"):
    """A slider for a positive number between 10**min_exponent and 10**max_exponent that moves
    on a log scale (equal steps of the exponent)."""
    return widgets.FloatLogSlider(description=description, base=10, min=min_exponent,
                                  max=max_exponent, step=step, value=value,
                                  readout_format=readout_format, continuous_update=False,
                                  style=_STYLE, layout=_WIDE)


def options_slider(description, options, value=None):
    """A slider over a fixed list of values (numbers or labels), e.g. [0, 0.01, 0.1, 1]."""
    options = list(options)
    return widgets.SelectionSlider(description=description, options=options,
                                   value=options[0] if value is None else value,
                                   continuous_update=False, style=_STYLE, layout=_WIDE)


def buttons(description, options, value=None):
    """One button per option, exactly one pressed: for a handful of named choices."""
    options = list(options)
    return widgets.ToggleButtons(description=description, options=options,
                                 value=options[0] if value is None else value, style=_STYLE)


def checkbox(description, value=False):
    """An on/off switch."""
    return widgets.Checkbox(description=description, value=value, indent=False)


class LivePlot:
    """Controls above a figure that ``draw`` redraws whenever a control's value changes.

    draw: ``draw(figure, **values)`` draws on the fresh matplotlib Figure it is given.
    figsize: the figure's size in inches. main: the name of the control a learner should move
    first (marked with MAIN_SLIDER_CLASS). controls: name=widget, in display order.

    Attributes: ``controls`` (name -> widget), ``png`` (bytes of the last rendering),
    ``renders`` (how many times the figure was drawn), ``error`` (the traceback text of the
    last failed redraw, else None). Shown by Jupyter like a widget.
    """

    def __init__(self, draw, figsize=(10, 3.8), main=None, **controls):
        if not controls:
            raise ValueError("a LivePlot needs at least one control")
        if main is not None and main not in controls:
            raise ValueError(f"main={main!r} is not one of the controls {sorted(controls)}")
        self.draw = draw
        self.figsize = figsize
        self.controls = controls
        self.main = main
        self.png = b""
        self.renders = 0
        self.error = None
        self.output = widgets.Output()
        bar = widgets.HBox(list(controls.values()),
                           layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.box = widgets.VBox([bar, self.output])
        self.box.add_class(LIVE_PLOT_CLASS)
        if main is not None:
            controls[main].add_class(MAIN_SLIDER_CLASS)
        for control in controls.values():
            control.observe(self._changed, names="value")
        self.redraw()
        if self.error is not None:  # a broken figure must fail the cell that makes it
            raise RuntimeError(f"the figure could not be drawn:\n{self.error}")
        _LIVE_PLOTS.append(self)

    @property
    def values(self):
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def render(self):
        """Draw a fresh figure for the current values and return its PNG bytes."""
        figure = Figure(figsize=self.figsize, dpi=DPI)
        figure.subplots_adjust(**MARGINS)
        self.draw(figure, **self.values)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()

    def redraw(self):
        """Redraw the figure; a failure is shown in place of the figure and kept in ``error``
        (a callback's exception would otherwise vanish into the kernel's log)."""
        try:
            png, self.error = self.render(), None
        except Exception:  # noqa: BLE001 - shown to the learner, kept for tests
            png, self.error = None, traceback.format_exc()
        self.renders += 1
        with self.output:
            self.output.clear_output(wait=True)
            if png is None:
                print(f"The figure could not be drawn for {self.values}:\n{self.error}")
            else:
                self.png = png
                display(Image(data=png, format="png"))

    def _changed(self, change):
        self.redraw()

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def live_plots():
    """Every LivePlot made in this kernel so far, in the order they were made (a test drives
    each one's controls)."""
    return list(_LIVE_PLOTS)
