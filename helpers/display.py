"""Results tables for notebooks: an HTML table in Jupyter, aligned text elsewhere, and the
raw rows as JSON (under RESULTS_MIME) so tests can read the numbers a notebook computed."""


def _format(value, percent=True):
    if isinstance(value, float):
        return f"{value:.1%}" if percent and 0.0 <= value <= 1.0 else f"{value:.4g}"
    return str(value)


# The media type under which a table's rows are saved in the notebook's outputs, for
# autograder.execution.results_tables to read back.
RESULTS_MIME = "application/vnd.course.results+json"


class ResultsTable:
    """A table of ``rows`` (a list of dicts with the same keys), shown by Jupyter.

    Floats between 0 and 1 are shown as percentages (accuracies); other numbers with four
    significant digits. ``percent``, if given, lists the only columns shown as percentages
    (so that a cost of 0.07 reads 0.07). ``name`` identifies the table in the notebook's saved
    outputs.
    """

    def __init__(self, rows, name="results", percent=None):
        if not rows:
            raise ValueError("a ResultsTable needs at least one row")
        self.rows = [dict(row) for row in rows]
        self.columns = list(self.rows[0])
        self.name = name
        self.percent = None if percent is None else set(percent)

    def _cells(self):
        return [[_format(row[column], self.percent is None or column in self.percent)
                 for column in self.columns] for row in self.rows]

    def __repr__(self):
        cells = [self.columns] + self._cells()
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        lines = ["  ".join(text.ljust(width) for text, width in zip(row, widths))
                 for row in cells]
        lines.insert(1, "  ".join("-" * width for width in widths))
        return "\n".join(lines)

    def _repr_html_(self):
        from html import escape
        head = "".join(f"<th>{escape(column)}</th>" for column in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{escape(text)}</td>" for text in row) + "</tr>"
                       for row in self._cells())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def as_json(self):
        """{"name": ..., "rows": [...]} with plain JSON values (inf and nan as strings)."""
        def plain(value):
            if isinstance(value, (str, bool, type(None))):
                return value
            value = float(value)
            return value if value == value and abs(value) != float("inf") else str(value)
        rows = [{key: plain(value) for key, value in row.items()} for row in self.rows]
        return {"name": self.name, "rows": rows}

    def _repr_mimebundle_(self, include=None, exclude=None):
        # The rows travel under a type of their own: JupyterLab would draw plain
        # application/json as a collapsible tree instead of the HTML table.
        return {RESULTS_MIME: self.as_json()}
