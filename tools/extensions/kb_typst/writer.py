"""The docutils writer of the Typst builder."""
from __future__ import annotations

from docutils import writers


class TypstWriter(writers.Writer):
    supported = ("typst",)
    output = None

    def __init__(self, builder) -> None:
        super().__init__()
        self.builder = builder
        self.plain_text: list[str] = []
        self.preface = ""

    def translate(self) -> None:
        visitor = self.builder.create_translator(self.document, self.builder)
        self.document.walkabout(visitor)
        self.output = visitor.astext()
        self.plain_text = visitor.plain_text
        self.preface = visitor.preface
