"""Command line of the publisher. See ``python -m tools.publish --help``."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tools.model.editions import FORMATS

from .matrix import plan, run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.publish",
        description="按读者和格式构建各版本（网站、EPUB、PDF、DOCX、离线包）。"
                    " Build the edition matrix; exit 0 when every cell is built, 1 when one failed.")
    parser.add_argument("--audience", action="append", help="只构建这类读者的版本（可重复）")
    parser.add_argument("--format", action="append", choices=FORMATS, help="只构建这种格式（可重复）")
    parser.add_argument("--jobs", "-j", type=int, default=0, help="并行进程数（默认：CPU 核数）")
    parser.add_argument("--list", action="store_true", help="只列出要构建的版本单元")
    parser.add_argument("--list-audiences", action="store_true",
                        help="以 JSON 列出各版本的读者（CI 据此生成构建矩阵）")
    parser.add_argument("--allow-warnings", action="store_true",
                        help="有内容警告时也输出（只用于预览草稿，不能用于发布）")
    parser.add_argument("--source", metavar="DIR",
                        help="源文件目录（默认：本仓库；配置总是本仓库的 conf.py，基准测试用它构建生成的语料）")
    args = parser.parse_args(argv)
    # one date for every cell and every tool a cell runs (Sphinx, zip, PDF):
    # the workers inherit it
    from tools import buildinfo
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(buildinfo.source_date_epoch()))
    if args.source:
        os.environ["KB_SOURCE_DIR"] = str(Path(args.source).resolve())  # worker processes inherit it
    if args.allow_warnings:
        os.environ["KB_ALLOW_WARNINGS"] = "1"  # worker processes inherit it
    if args.list_audiences:
        import json
        print(json.dumps(list(plan(args.audience, args.format)), ensure_ascii=False))
        return 0
    if args.list:
        for aud, fmts in plan(args.audience, args.format).items():
            for fmt in fmts:
                print(f"{aud}\t{fmt}")
        return 0
    return run(args.audience, args.format, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
