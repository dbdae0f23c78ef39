"""``.github/CODEOWNERS`` from ``source/_data/reviewers.yml``:
``python -m tools.review.codeowners`` (``make codeowners``); ``--check``
exits 1 when the file is not what the reviewer list gives (the tests run it).

A pull request that touches a collection then asks the reviewers registered
for it (those with a ``github`` handle). GitHub applies the last matching
line, so a sub-folder's line also names the reviewers of the folders above
it. Topics cannot be expressed by paths: the checker holds that rule
(REV005). With no reviewers the file is a header saying so.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.model import load_data
from tools.model.review import in_collection

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(".github") / "CODEOWNERS"

HEADER = """\
# 由 source/_data/reviewers.yml 生成（make codeowners），请不要手工修改。
# Generated from source/_data/reviewers.yml by `make codeowners`; do not edit by hand.
# 拉取请求改动某个文件夹时，GitHub 请负责这个文件夹的审核人审核。
# A pull request touching a collection asks the reviewers registered for it.
# 审核人只负责部分主题时，这里只能按文件夹列出，主题由 make check 检查（REV005）。
"""
EMPTY = """\
#
# 审核人名单是空的：审核项目还没有指定审核人，所以这里没有列出任何负责人，
# 知识库的页面都没有经过专家审核。
# The reviewer list is empty: the review programme has not named reviewers
# yet, so no owners are assigned and no page has had an expert review.
"""


def render(root: Path) -> str:
    data = load_data(root)
    paths = sorted({c for r in data.reviewers.values() for c in r.collections}, key=lambda c: (c.count("/"), c))
    lines = []
    for path in paths:
        owners = sorted({r.github for r in data.reviewers.values() if r.github
                         and any(in_collection(c, path) for c in r.collections)})
        if owners:
            lines.append(f"/{path}/ {' '.join(owners)}")
    if not lines:
        return HEADER + EMPTY
    return HEADER + "\n" + "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tools.review.codeowners",
        description="由审核人名单生成 .github/CODEOWNERS。"
                    " Write .github/CODEOWNERS from reviewers.yml; with --check, exit 1 when it is out of date.")
    ap.add_argument("--check", action="store_true", help="只检查文件是否最新，不写入")
    ap.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    root = Path(args.root)
    want = render(root)
    target = root / TARGET
    have = target.read_text(encoding="utf-8") if target.exists() else None
    if args.check:
        if have != want:
            print(f"{TARGET} 不是最新的：运行 make codeowners 重新生成，然后提交。", file=sys.stderr)
            return 1
        return 0
    if have != want:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(want, encoding="utf-8")
        print(f"已更新 {TARGET}。")
    else:
        print(f"{TARGET} 已是最新。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
