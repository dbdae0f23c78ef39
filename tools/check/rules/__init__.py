"""One module per rule; importing this package registers them all."""
from . import frontmatter  # noqa: F401
