"""Qingchun's tools: Sphinx extensions, checker, publisher, importers.

They run in the project's virtual environment (``make setup`` creates it).
Started with another Python, they say how to run them instead of failing
with an import traceback.
"""
import importlib.util as _util
import sys as _sys

_NEEDED = ("yaml", "jsonschema", "sphinx", "myst_parser")

if any(_util.find_spec(_name) is None for _name in _NEEDED):  # pragma: no cover - depends on the interpreter
    _argv = list(getattr(_sys, "orig_argv", _sys.argv))
    _tool = _argv[_argv.index("-m") + 1] if "-m" in _argv[:-1] else "tools.check"
    print("这个工具需要知识库自己的 Python 环境，当前的 Python 缺少它用到的软件包。\n"
          "请先运行 make setup（只需一次），然后这样运行：\n"
          f"  .venv/bin/python -m {_tool} …\n"
          "或者用 make check、make new、make editions 等命令。\n"
          "(This tool runs in the project's virtual environment: run `make setup`, then use .venv/bin/python.)",
          file=_sys.stderr)
    raise SystemExit(2)
