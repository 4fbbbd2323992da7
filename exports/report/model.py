"""The Results report as data: every heading, sentence and table already worded and formatted
in the report's language, and every chart already drawn, so that the DOCX and the HTML
renderers only lay it out. Built from the typed ``Analysis`` (analytics/results.py)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    """A table of text cells; ``marked`` cells are emphasised (an adjusted residual beyond
    ±1.96), ``caption`` says what the table is."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    marked: frozenset[tuple[int, int]] = frozenset()
    note: str = ""

    def cells(self) -> list[list[tuple[str, bool]]]:
        """Each row's cells as (text, marked)."""
        return [
            [(text, (i, j) in self.marked) for j, text in enumerate(row)]
            for i, row in enumerate(self.rows)
        ]


@dataclass(frozen=True)
class Figure:
    """A chart as a PNG, with the alt text that describes it to a screen reader."""

    png: bytes
    alt: str
    caption: str


@dataclass(frozen=True)
class QuestionSection:
    heading: str
    table: Table
    figure: Figure


@dataclass(frozen=True)
class PairSection:
    """One dependent pair: its APA-style sentence, what it means, its statistics as
    (name, value) rows (a test added to the analysis adds a row here, and both renderers
    show it), its crosstab and, when the test was not reliable, a caveat."""

    heading: str
    apa: str
    meaning: str
    statistics: Table
    crosstab: Table | None
    caveat: str = ""


@dataclass(frozen=True)
class Section:
    """A heading and its paragraphs, and optionally a table after them."""

    heading: str
    paragraphs: tuple[str, ...]
    table: Table | None = None


@dataclass(frozen=True)
class Report:
    language: str
    title: str
    facts: tuple[tuple[str, str], ...]  # the title page: (what, value)
    print_note: str
    methods: tuple[Section, ...]
    references: tuple[str, ...]
    questions: tuple[QuestionSection, ...]
    matrix: Table
    dependent: tuple[PairSection, ...]
    independent: Section
    caveats: tuple[str, ...]
    article: Section | None = None
    numbers: Section | None = None  # the number questions' descriptives and tests
    headings: dict[str, str] = field(default_factory=dict)  # the fixed section headings
