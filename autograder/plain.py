"""Plain data across the process boundary: what a grading worker sends back is JSON built from
exact builtin types and numeric numpy arrays, never a pickle of a student's object.

``encode`` runs in the worker on whatever the student's code returned; anything that is not
exactly a supported type (a subclass, an object with a clever ``__eq__``) becomes an
``Unsupported`` marker. ``decode`` runs in the grader and rebuilds fresh numpy arrays from bytes,
checking dtype and size.
"""

import base64
import math

import numpy as np

NUMERIC_KINDS = "biufc"
MAX_ARRAY_BYTES = 64 * 1024 * 1024
MAX_STRING = 2000


class Unsupported:
    """Stands for a value of a type the grader does not accept (named by ``type_name``)."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name} object>"


class Raised:
    """Stands for an exception raised by the student's code: ``'TypeError: message'``."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return f"<raised {self.text}>"


def _float(value):
    if math.isfinite(value):
        return value
    return {"__float__": repr(value)}


def encode(value, depth=0):
    """A JSON-compatible encoding of ``value`` (see module docstring)."""
    if depth > 20:
        return {"__unsupported__": "nesting deeper than 20"}
    kind = type(value)
    if value is None or kind is bool or kind is int or kind is str:
        return value[:MAX_STRING] if kind is str else value
    if kind is float:
        return _float(value)
    if kind is np.ndarray:
        if value.dtype.kind not in NUMERIC_KINDS or value.dtype.hasobject:
            return {"__unsupported__": f"ndarray of dtype {value.dtype}"}
        if value.nbytes > MAX_ARRAY_BYTES:
            return {"__unsupported__": f"ndarray of {value.nbytes} bytes (too large)"}
        data = np.ascontiguousarray(value)
        return {"__ndarray__": {"dtype": data.dtype.str, "shape": list(data.shape),
                                "data": base64.b64encode(data.tobytes()).decode("ascii")}}
    if isinstance(value, np.generic) and kind.__module__ == "numpy" and \
            np.dtype(kind).kind in NUMERIC_KINDS:
        return {"__npscalar__": encode(np.asarray(value).reshape(1), depth + 1)}
    if kind is dict:
        if not all(type(key) is str for key in value):
            return {"__unsupported__": "dict with non-string keys"}
        return {"__dict__": [[key, encode(item, depth + 1)] for key, item in value.items()]}
    if kind is list or kind is tuple:
        return {f"__{kind.__name__}__": [encode(item, depth + 1) for item in value]}
    if kind is Raised:
        return {"__raised__": value.text[:MAX_STRING]}
    if kind is Unsupported:
        return {"__unsupported__": value.type_name[:MAX_STRING]}
    return {"__unsupported__": f"{kind.__module__}.{kind.__qualname__}"}


def _decode_array(spec):
    dtype = np.dtype(spec["dtype"])
    if dtype.kind not in NUMERIC_KINDS or dtype.hasobject:
        raise ValueError(f"array dtype {dtype} not allowed")
    shape = tuple(int(n) for n in spec["shape"])
    data = base64.b64decode(spec["data"], validate=True)
    if len(data) != dtype.itemsize * math.prod(shape):
        raise ValueError("array data does not match its shape")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


def decode(value):
    """Rebuild what ``encode`` produced; raises ValueError on anything malformed."""
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is list:
        raise ValueError("bare JSON list in encoded data")
    if type(value) is not dict or len(value) != 1:
        raise ValueError("malformed encoded value")
    (tag, body), = value.items()
    if tag == "__ndarray__":
        return _decode_array(body)
    if tag == "__npscalar__":
        return _decode_array(body["__ndarray__"])[0]
    if tag == "__float__":
        if body not in ("inf", "-inf", "nan"):
            raise ValueError("bad float")
        return float(body)
    if tag == "__dict__":
        return {str(key): decode(item) for key, item in body}
    if tag == "__list__":
        return [decode(item) for item in body]
    if tag == "__tuple__":
        return tuple(decode(item) for item in body)
    if tag == "__raised__":
        return Raised(str(body))
    if tag == "__unsupported__":
        return Unsupported(str(body))
    raise ValueError(f"unknown tag {tag!r}")
