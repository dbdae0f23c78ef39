"""Child processes with limits set in code, not left to the machine.

Pandoc reads what contributors send (Word files) and what the build writes
(the print document of a whole book). Each run gets a heap limit of its own
(``+RTS -M``: GHC reserves address space, so ``RLIMIT_AS`` would break it),
a CPU-time limit, a limit on the size of every file it writes, and a
wall-clock timeout.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    heap: str = "1g"               # pandoc's heap (+RTS -M)
    seconds: int = 300             # CPU and wall clock
    file_bytes: int = 200 * 1024 * 1024  # any one file the child writes


class LimitExceeded(Exception):
    """The child ran out of time or memory; ``str()`` says which, in Chinese."""


def _set_rlimits(limits: Limits):
    def apply():  # pragma: no cover - runs in the child
        import resource
        resource.setrlimit(resource.RLIMIT_CPU, (limits.seconds, limits.seconds))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    return apply


def pandoc(args: list[str], limits: Limits = Limits(), input: bytes | None = None) -> bytes:
    """Run the pandoc that pypandoc-binary ships with ``args``; return its
    standard output. Raises LimitExceeded or RuntimeError (pandoc's message)."""
    import pypandoc
    cmd = [pypandoc.get_pandoc_path(), "+RTS", f"-M{limits.heap}", "-RTS", *args]
    try:
        proc = subprocess.run(cmd, input=input, capture_output=True, timeout=limits.seconds,
                              preexec_fn=_set_rlimits(limits), stdin=None if input is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise LimitExceeded(f"pandoc 运行超过了 {limits.seconds} 秒，已停止。") from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace")
        if "heap" in err.lower() or proc.returncode == 251:
            raise LimitExceeded(f"pandoc 需要的内存超过了 {limits.heap}，已停止。")
        if proc.returncode < 0:
            raise LimitExceeded(f"pandoc 超出了时间或文件大小的限制，已停止（信号 {-proc.returncode}）。")
        raise RuntimeError(err.strip()[:500])
    return proc.stdout
