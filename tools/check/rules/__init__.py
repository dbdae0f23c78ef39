"""One module per rule; importing this package registers them all."""
from . import (  # noqa: F401
    accessibility, audience, currency, data, duplicates, facts, files, frontmatter, privacy, residue,
    safeguarding, safety, structure, terms, typography,
)
