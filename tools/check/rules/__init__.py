"""One module per rule; importing this package registers them all."""
from . import (  # noqa: F401
    accessibility, audience, casestudy, comparisons, currency, data, duplicates, facts, files, frontmatter,
    helplines, lesson, privacy, residue, review, safeguarding, safety, screenshots, structure, terms, typography,
    verification,
)
