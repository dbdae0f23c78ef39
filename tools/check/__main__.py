"""Command line of the checker. See ``python -m tools.check --help``."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tools.model import root_problem

from . import check_files, default_files, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.check",
        description="检查知识库页面（元数据、结构、数字、术语、隐私、排版等）。"
                    " Check knowledge-base pages; exit 0 when clean, 1 on errors, 2 when it could not run.")
    parser.add_argument("paths", nargs="*", help="要检查的文件或文件夹（默认：整个知识库）")
    parser.add_argument("--format", choices=["text", "json", "github"], default=None,
                        help="输出格式；在 GitHub Actions 中默认为 github")
    parser.add_argument("--root", default=".", help="知识库根目录（默认：当前目录）")
    parser.add_argument("--fix", action="store_true", help="自动修正可以安全修正的问题（中文排版）")
    parser.add_argument("--notes", action="store_true",
                        help="同时列出编辑备注（待核实、未核对等，只在源文件中，任何版本都不印出）")
    args = parser.parse_args(argv)

    root = Path(args.root)
    if (problem := root_problem(root)):
        print(problem, file=sys.stderr)
        return 2
    try:
        rels = _expand(root, args.paths) if args.paths else default_files(root)
    except FileNotFoundError as exc:
        print(f"无法运行：找不到 {exc.args[0]}。", file=sys.stderr)
        return 2
    if args.fix:
        from .fix import fix_files
        changed = fix_files(root, rels)
        for rel in changed:
            print(f"已修正：{rel}")
    result = check_files(rels, root)
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if fmt == "json":
        print(report.format_json(result.problems, result.silenced, result.notes))
    else:
        shown = sorted(result.problems + result.notes) if args.notes else result.problems
        text = report.format_github(shown) if fmt == "github" else report.format_text(shown)
        if text:
            print(text)
        print(report.summary(result.problems, result.silenced, result.files, result.notes), file=sys.stderr)
    return 1 if result.errors else 0


def _expand(root: Path, paths: list[str]) -> list[str]:
    out = []
    for p in paths:
        full = Path(p) if Path(p).is_absolute() else Path.cwd() / p
        if not full.exists():
            raise FileNotFoundError(p)
        try:
            rel = full.resolve().relative_to(root.resolve())
        except ValueError:
            rel = full.resolve()
        if full.is_dir():
            out.extend(str((rel / q.relative_to(full)).as_posix()) for q in sorted(full.rglob("*.md")))
        else:
            out.append(rel.as_posix())
    return out


if __name__ == "__main__":
    sys.exit(main())
