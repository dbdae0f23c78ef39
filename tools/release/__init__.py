"""Releases: ``make release VERSION=2027.1`` (:mod:`tools.release.record`)
writes a release record and the release's version-notes page; the change
notes of each edition come from two records (:mod:`tools.release.notes`).
Reading records is the model's job (:mod:`tools.model.releases`)."""
