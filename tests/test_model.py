"""The content model on its own: what each edition prints, the vocabulary
read from the data, and the data files' own checks."""
from __future__ import annotations

import pytest

from conftest import ROOT
from tools.model import load_data, load_editions

EDITIONS = load_editions(ROOT)


@pytest.mark.parametrize("part,learner,educator,parent", [
    ("teacher-note", False, True, False),
    ("answer-key", False, True, False),
    ("editor-note", False, False, False),
    ("bibliography-note", False, True, False),
    ("deprecated-forms", False, False, False),
    ("help-box", True, True, True),
    ("教学过程", False, True, False),   # the teacher's plan of a lesson
    ("学习目标", True, True, True),
])
def test_edition_shows_each_part_to_the_right_readers(part, learner, educator, parent):
    assert EDITIONS["junior-secondary"].shows(part) is learner
    assert EDITIONS["educators"].shows(part) is educator
    assert EDITIONS["parents"].shows(part) is parent


def test_a_passage_for_named_audiences():
    assert EDITIONS["parents"].shows("for-audience", ["parents"])
    assert not EDITIONS["junior-secondary"].shows("for-audience", ["parents", "educators"])


def test_roles_come_from_audiences_yml():
    data = load_data(ROOT)
    assert {e.audience: e.role for e in EDITIONS.values()} == \
        {a: data.audiences[a].role for a in EDITIONS}


def test_age_bands_in_school_order_from_the_data():
    data = load_data(ROOT)
    bands = sorted(data.age_bands, key=lambda b: data.age_bands[b]["order"])
    assert bands == ["9-12", "12-15", "15-18", "18+"]
    from tools.new import band_audiences
    assert band_audiences(data) == {"9-12": "upper-primary", "12-15": "junior-secondary",
                                    "15-18": "senior-secondary", "18+": "university"}


def test_an_id_given_twice_in_a_data_file_is_reported_and_left_out(tmp_path):
    """Two writers adding the same glossary word: the second entry would
    silently replace the first; it is reported at its line and left out."""
    import shutil
    shutil.copytree(ROOT / "source" / "_data", tmp_path / "source" / "_data")
    terms = tmp_path / "source" / "_data" / "terms.yml"
    text = terms.read_text(encoding="utf-8")
    terms.write_text(text + "  - term: 青春期\n    definition: 第二个定义。\n    historical: false\n", encoding="utf-8")
    from tools.model.data import _load_data
    data = _load_data((tmp_path).resolve())
    dup = [p for p in data.problems if p.code == "DATA002" and "青春期" in p.message]
    assert dup and dup[0].line == len(text.splitlines()) + 1
    assert data.terms["青春期"].definition != "第二个定义。"
