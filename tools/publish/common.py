"""Shared pieces of the publisher: paths, Sphinx runs, atomic output, dates."""
from __future__ import annotations

import io
import os
import re
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tools.buildinfo import (  # noqa: F401  (the one place these are worked out)
    ROOT, build_date, build_dir, release, source_commit, source_date_epoch)

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class CellError(Exception):
    """A cell could not be built; the message says why, in the writer's terms."""


def source_dir() -> Path:
    """The source tree (``KB_SOURCE_DIR``, default this repository); the
    configuration, ``conf.py``, is always this repository's."""
    return Path(os.environ.get("KB_SOURCE_DIR", ROOT)).resolve()


def run_sphinx(builder: str, outdir: Path, doctreedir: Path, overrides: dict,
               events: dict | None = None) -> None:
    """One strict Sphinx build in this process (-n -W --keep-going semantics).

    Builds of one edition share ``doctreedir`` and the same environment
    settings, so only the first reads the sources; ``events`` maps Sphinx
    event names to extra handlers for this build."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    warnings = io.StringIO()
    overrides = {"nitpicky": True, **overrides}
    with patch_docutils(ROOT), docutils_namespace():
        app = Sphinx(str(source_dir()), str(ROOT), str(outdir), str(doctreedir), builder,
                     confoverrides=overrides, status=None, warning=warnings,
                     freshenv=False, warningiserror=False, keep_going=True)
        # a theme dependency (a11y_pygments) calls logging.basicConfig(level=INFO) on
        # import, which would let every library's progress messages through
        import logging
        logging.getLogger().setLevel(logging.WARNING)
        for event, handler in (events or {}).items():
            app.connect(event, handler)
        app.build(force_all=True)
    text = ANSI.sub("", warnings.getvalue()).strip()
    if text:
        # the saved environment holds pages read with warnings; an incremental
        # run would not read them again and would pass: start afresh next time
        shutil.rmtree(doctreedir, ignore_errors=True)
        if os.environ.get("KB_ALLOW_WARNINGS") != "1":
            raise CellError(text)
        print(text, file=sys.stderr)


#: a staging folder of atomic_output: .<name>.<pid>.<random>
STAGING = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+$")


@contextmanager
def atomic_output(target: Path):
    """Yield a temporary path beside ``target``; move it into place on success.

    A failure leaves no partial file: the temporary path is removed (also on
    SIGTERM, see :func:`stop_on_signals`). The staging folder carries the
    process id, so :func:`clean_stale_staging` can remove what a killed
    process left behind without touching a running one's.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", dir=target.parent))
    staged = tmp / target.name
    try:
        yield staged
        if not staged.exists():
            raise CellError(f"{target.name} was not produced")
        if target.is_dir():
            shutil.rmtree(target)
        os.replace(staged, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def atomic_outputs(*targets: Path):
    """:func:`atomic_output` for files that belong together (a print shop's
    package): yields one staged path per target, in one staging folder
    beside the first; all are moved into place only when every one exists,
    none when anything failed."""
    first = targets[0]
    first.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{first.name}.{os.getpid()}.", dir=first.parent))
    staged = [tmp / f"{i}-{t.name}" for i, t in enumerate(targets)]
    try:
        yield staged
        missing = [t.name for s, t in zip(staged, targets) if not s.exists()]
        if missing:
            raise CellError(f"{'、'.join(missing)} was not produced")
        for s, t in zip(staged, targets):
            t.parent.mkdir(parents=True, exist_ok=True)
            os.replace(s, t)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_staging(out_root: Path) -> list[Path]:
    """Remove staging folders of builds that were killed (their process is gone)."""
    removed = []
    for folder in [out_root, *(p for p in out_root.iterdir() if p.is_dir())] if out_root.is_dir() else []:
        for entry in folder.iterdir():
            m = STAGING.match(entry.name)
            if m and entry.is_dir() and not _alive(int(m["pid"])):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


def stop_on_signals() -> None:
    """Turn SIGTERM and SIGHUP into SystemExit, so that ``finally`` blocks
    (staging folders, locks) run when a build is stopped from outside."""
    import signal

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)


_OUTPUT_LOCK = None  # set in each worker of a pool: one writer at a time


def say(text: str) -> None:
    """Write ``text`` and a newline to stdout in one piece.

    Workers of a pool share the parent's stdout: ``print`` writes a line and
    its newline separately when Python runs unbuffered (PYTHONUNBUFFERED, as
    CI does), so two workers' lines could be glued together. A whole message
    goes out in one ``os.write`` loop, under the pool's lock."""
    stream = sys.stdout
    data = (text + "\n").encode(stream.encoding or "utf-8", "replace")
    lock = _OUTPUT_LOCK
    if lock is not None:
        lock.acquire()
    try:
        stream.flush()
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, io.UnsupportedOperation):  # captured (pytest) or in-memory
            stream.write(text + "\n")
            stream.flush()
            return
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        if lock is not None:
            lock.release()


def _worker_start(lock) -> None:
    global _OUTPUT_LOCK
    _OUTPUT_LOCK = lock
    stop_on_signals()


@contextmanager
def worker_pool(jobs: int):
    """A process pool whose workers stop with the build: stopped (SIGTERM,
    Ctrl-C) or broken, the workers are terminated (each removes its staging
    folder on the way out: a worker's task ends with SystemExit), else the
    pool is shut down when its work is done."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    lock = multiprocessing.Lock()
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_start, initargs=(lock,))
    try:
        yield pool
    except BaseException:
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()


@contextmanager
def audience_lock(out_root: Path, audience: str):
    """Only one process at a time builds an audience's cells: they share its
    saved Sphinx environment and its work folder (two ``make edition`` runs of
    the staff edition, one for PDF and one for EPUB, would otherwise race)."""
    import fcntl
    path = out_root / "_work" / f"{audience}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"[{audience}] 另一个构建正在使用这个版本，等待它结束……")
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def fixed_zip(src_dir: Path, target: Path, first: str | None = None, stored: tuple[str, ...] = ()) -> None:
    """Zip a directory reproducibly: sorted entries, fixed timestamps
    (SOURCE_DATE_EPOCH, not before 1980), ``first`` entry first; hidden build
    files such as Sphinx's ``.buildinfo`` are left out."""
    import zipfile
    epoch = max(source_date_epoch(), 315532800)
    stamp = time.gmtime(epoch)[:6]
    files = sorted(p for p in src_dir.rglob("*")
                   if p.is_file() and not any(part.startswith(".") for part in p.relative_to(src_dir).parts))
    names = [p.relative_to(src_dir).as_posix() for p in files]
    if first and first in names:
        names.remove(first)
        names.insert(0, first)
    with zipfile.ZipFile(target, "w") as zf:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, (src_dir / name).read_bytes())
