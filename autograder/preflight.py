"""Checks `course grade` makes before it grades or writes anything, so an operator's mistake
(a wrong gradebook URL, an unreachable scheduler, an empty submissions folder, no sandbox)
gets one sentence saying what is wrong and what to do, and leaves no files behind."""


class OperatorError(RuntimeError):
    """A mistake in how `course` was called or set up; the message is the whole story."""


def submissions_present(directory, assignment, work):
    """Raise OperatorError when no student folder under ``directory`` holds ``assignment``
    (``work`` is grading.submissions_in's list)."""
    if not any(folder is not None for _, folder in work):
        students = len(work)
        found = f"{students} student folder(s), none with {assignment}/" if students else \
            "it is empty"
        raise OperatorError(
            f"no submissions of {assignment} in {directory} ({found}); expected "
            f"{directory}/<student>/{assignment}/{assignment}.ipynb: collect them first with "
            f"`nbgrader collect {assignment}`, or pass --submissions DIR")


def sandbox_allowed(sandboxed, reason, no_sandbox):
    """Raise OperatorError when the sandbox is unavailable and --no-sandbox was not given."""
    if not sandboxed and not no_sandbox:
        raise OperatorError(
            f"refusing to grade without the sandbox: {reason}. Install bubblewrap "
            "(`apt-get install bubblewrap`) and allow unprivileged user namespaces, or pass "
            "--no-sandbox to grade trusted submissions unconfined")


def scheduler_reachable(address, seconds):
    """Raise OperatorError unless a Dask scheduler answers at ``address`` within ``seconds``."""
    try:
        from distributed import Client
    except ImportError:
        raise OperatorError("--scheduler needs the distributed package (pip install "
                            "distributed), which is not installed") from None
    try:
        client = Client(address, timeout=f"{seconds}s")
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise OperatorError(
            f"--scheduler {address}: no Dask scheduler answered within {seconds:g} s ({first}); "
            "start one (`dask scheduler`) and check the address, or grade on this machine "
            "without --scheduler") from None
    client.close()


def _shown(url):
    try:
        from sqlalchemy.engine import make_url
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL is shown as given (it cannot hold a usable password)
        return url


def reusable_url(url):
    """``url`` as a report may keep it for later commands: None for the default gradebook or
    a URL holding a password (pass --gradebook again then)."""
    try:
        from sqlalchemy.engine import make_url
        return None if url is None or make_url(url).password else url
    except Exception:  # unparseable: it was refused before grading anyway
        return None


def open_gradebook_or_explain(url, root):
    """gradebook.open_gradebook, with every way a URL can be wrong turned into OperatorError."""
    from sqlalchemy import exc

    from autograder.gradebook import open_gradebook
    shown = _shown(url) if url else "the course's gradebook.db"
    where = f"--gradebook {shown}" if url else shown
    try:
        return open_gradebook(url, root)
    except exc.NoSuchModuleError:  # before ArgumentError, its base class
        scheme = str(url).split(":", 1)[0]
        raise OperatorError(f"--gradebook {shown}: {scheme!r} is not a database SQLAlchemy "
                            "knows; expected sqlite:///FILE or postgresql://user@host/name") \
            from None
    except exc.ArgumentError:
        raise OperatorError(f"--gradebook {shown!r} is not a database URL; expected one like "
                            "sqlite:///gradebook.db or postgresql://user@host/gradebook") from None
    except ModuleNotFoundError as error:
        raise OperatorError(f"{where}: the database driver {error.name!r} is not installed; "
                            "install it or use sqlite:// or postgresql://") from None
    except (exc.OperationalError, exc.InterfaceError, exc.DatabaseError) as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()
        reason = reason[0] if reason else type(error).__name__
        raise OperatorError(f"{where}: cannot open the gradebook ({reason}); check that the "
                            "database server is running and reachable and that the URL, user "
                            "and folder are right") from None
    except OSError as error:
        raise OperatorError(f"{where}: cannot open the gradebook ({error})") from None
