# Qingchun knowledge base (青春健康知识库)
#   make        set up what is missing, then build the site and every edition
#   make test   the whole test suite
# `make help` lists every target.

PYTHON      ?= python3
VENV        ?= .venv
PY          := $(VENV)/bin/python
SPHINXBUILD := $(VENV)/bin/sphinx-build
SPHINXOPTS  ?= -n -W --keep-going
BUILDDIR    ?= build
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH
export PYTHONDONTWRITEBYTECODE := 1
# progress lines reach a pipe (CI's log, `make | tee`) as they happen; CI runs
# unbuffered too, so the tests see the output the way CI does
export PYTHONUNBUFFERED := 1

.DEFAULT_GOAL := all
.PHONY: all help setup html editions edition school schools check fix new approve review codeowners release test test-fast preview bench clean

all: setup editions html ## set up, then build every edition and the site

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort | column -t -s "$$(printf '\t')"

setup: ## install what is missing (system packages, .venv, npm packages)
	@bash tools/bootstrap.sh

html: setup ## build the web site into build/html
	$(SPHINXBUILD) -b html $(SPHINXOPTS) -d $(BUILDDIR)/doctrees/html . $(BUILDDIR)/html

editions: setup ## build every edition (audience x format) into build/<format>/, in parallel
	$(PY) -m tools.publish --jobs $(JOBS)

edition: setup ## build one cell: make edition AUDIENCE=junior-secondary FORMAT=pdf
	@test -n "$(AUDIENCE)" || { echo "usage: make edition AUDIENCE=<audience> [FORMAT=<format>]"; exit 2; }
	$(PY) -m tools.publish --jobs 1 --audience $(AUDIENCE) $(if $(FORMAT),--format $(FORMAT))

# The school file reaches the tool through the environment ("$$SCHOOL"), as in `make new`.
school: setup ## build one school's editions: make school SCHOOL=schools/example-junior.yml
	@test -n "$$SCHOOL" || { echo "usage: make school SCHOOL=schools/<id>.yml"; exit 2; }
	$(PY) -m tools.publish.schools --jobs 1 "$$SCHOOL"

schools: setup ## build every school file in schools/ (or SCHOOLS="a.yml b.yml"), a process per core
	$(PY) -m tools.publish.schools --jobs $(JOBS) --batch "$$SCHOOLS"

check: setup ## run the content checks on the whole knowledge base
	$(PY) -m tools.check

# The values reach the tool through the environment ("$$TITLE"), never
# pasted into the command line, so quotes and $ in a title are just text.
new: setup ## start a page: make new TYPE=case-study|lesson|policy [ID=… TITLE=… AGE_BAND=…]
	@test -n "$$TYPE" || { echo "usage: make new TYPE=case-study|lesson|policy [ID=... TITLE=... AGE_BAND=...]"; exit 2; }
	$(PY) -m tools.new --type "$$TYPE" $(if $(ID),--id "$$ID") $(if $(TITLE),--title "$$TITLE") $(if $(AGE_BAND),--age-band "$$AGE_BAND")

# Values reach the tools through the environment, as for make new.
approve: setup ## record a review: make approve PAGE=policies/x.md BY=reviewer-id[,id] [SCOPE=… DATE=…]
	@test -n "$$PAGE" -a -n "$$BY" || { echo "usage: make approve PAGE=<page path or id> BY=<reviewer id>[,<id>] [SCOPE=...] [DATE=YYYY-MM-DD]"; exit 2; }
	$(PY) -m tools.review.approve --page "$$PAGE" --by "$$BY" $(if $(SCOPE),--scope "$$SCOPE") $(if $(DATE),--date "$$DATE")

review: setup ## the review queue by reviewer area (drafts, lapsed and due reviews, facts past review_by)
	$(PY) -m tools.review.queue $(if $(FORMAT),--format "$$FORMAT")

codeowners: setup ## write .github/CODEOWNERS from source/_data/reviewers.yml
	$(PY) -m tools.review.codeowners

release: setup ## write the release record of VERSION (e.g. make release VERSION=2027.1); tags nothing
	@test -n "$$VERSION" || { echo "usage: make release VERSION=2027.1 [DATE=YYYY-MM-DD]"; exit 2; }
	$(PY) -m tools.release --version "$$VERSION" $(if $(DATE),--date "$$DATE")

fix: setup ## apply the checker's safe fixes (Chinese typography)
	$(PY) -m tools.check --fix

test: setup ## run the whole test suite (builds, browser, checks, doc8), on every core
	$(PY) -m tools.check
	$(VENV)/bin/doc8 -e .md --max-line-length 10000 curriculum policies case-studies source
	$(PY) -m pytest -q -n $(JOBS) --dist loadgroup

test-fast: setup ## the edit loop (about a minute): checker, model, extensions, tools, one edition of one format
	$(PY) -m tools.check
	$(PY) -m pytest -q -n $(JOBS) -m "not slow and not browser"

preview: setup ## live preview at http://127.0.0.1:8000 while you edit
	$(VENV)/bin/sphinx-autobuild -b html -d $(BUILDDIR)/doctrees/preview . $(BUILDDIR)/preview --host 127.0.0.1 --port 8000 --ignore "$(BUILDDIR)/*" --ignore ".venv/*"

bench: setup ## benchmark the builds against stock Sphinx (see tools/bench.py --help)
	$(PY) -m tools.bench

clean: ## remove build output
	rm -rf $(BUILDDIR)
