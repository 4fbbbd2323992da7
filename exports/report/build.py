"""Build the report of a survey: its title page and Methods from the questionnaire and the
responses counted, its Results from the analysis (exports/report/results.py), in a language."""

import json

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from analytics.charts import Labels
from analytics.filters import REAL_ONLY, ResponseFilter
from analytics.findings import QUESTIONNAIRES, paper_comparison
from analytics.results import Analysis
from analytics.selectors import report_analysis
from exports.report.methods import methods_sections, references
from exports.report.model import Report, Section, Table
from exports.report.number_questions import numbers_section
from exports.report.numbers import count, day, number, p_cell, share
from exports.report.results import matrix_table, pair_section, question_section
from exports.selectors import Collection, responses_collection
from surveys.models import Survey, in_language
from surveys.selectors import survey_questionnaire


def report_build(
    survey: Survey, chosen: ResponseFilter | None, language: str, weighted: bool | None = None
) -> Report:
    """The report of the responses that pass ``chosen``, worded in ``language``, weighted as
    ``weighted`` says or (None) as the dashboards: when the survey has a weighting scheme."""
    chosen = chosen or ResponseFilter()
    analysis = report_analysis(survey, chosen, weighted)
    spec = survey_questionnaire(survey)
    labels = Labels(spec, language)
    with translation.override(language):
        collection = responses_collection(survey, chosen, analysis.watermark)
        dependent = sorted(
            (pair for pair in analysis.pairs if pair.significant),
            key=lambda pair: -(pair.cramers_v_corrected or 0.0),
        )
        return Report(
            language=language,
            title=in_language(survey.title, language, survey.default_language),
            facts=_facts(analysis, chosen, labels, collection, language),
            print_note=_("To make a PDF, print this page (Ctrl+P) and choose “Save as PDF”."),
            methods=methods_sections(spec, labels, analysis, collection, language),
            references=references(analysis.weights is not None),
            questions=tuple(question_section(q, labels, language) for q in analysis.questions),
            matrix=matrix_table(analysis, language),
            dependent=tuple(pair_section(pair, labels, language) for pair in dependent),
            independent=_independent(analysis),
            caveats=_caveats(analysis),
            article=_article(survey.slug, analysis, language),
            numbers=numbers_section(analysis, labels, language),
            headings=_headings(),
        )


def _facts(analysis: Analysis, chosen, labels: Labels, collection: Collection, language: str):
    return (
        (_("Responses analysed"), count(analysis.n, language)),
        (_("Collected"), _window(collection)),
        (_("Filters"), _filters_text(chosen, labels)),
        (_("Weights"), _("weighted") if analysis.weights is not None else _("unweighted")),
        (_("Report made"), day(timezone.localdate())),
    )


def _window(collection: Collection) -> str:
    if collection.first is None:
        return "–"
    return f"{day(collection.first)} – {day(collection.last)}"


def _filters_text(chosen: ResponseFilter, labels: Labels) -> str:
    parts = [
        f"{code.upper()}: " + ", ".join(labels.choice(code, choice) for choice in choices)
        for code, choices in chosen.answers.items()
    ]
    if chosen.languages:
        parts.append(_("language: %(l)s") % {"l": ", ".join(chosen.languages)})
    if chosen.since:
        parts.append(_("from %(d)s") % {"d": day(chosen.since)})
    if chosen.until:
        parts.append(_("until %(d)s") % {"d": day(chosen.until)})
    if chosen.synthetic:
        parts.append(_("including %(kinds)s responses") % {"kinds": ", ".join(chosen.synthetic)})
    elif chosen.provenances == REAL_ONLY:
        parts.append(_("real responses only"))
    if not chosen.include_suspect:
        parts.append(_("suspect responses left out"))
    return "; ".join(parts) or _("none: every response")


def _independent(analysis: Analysis) -> Section:
    pairs = [
        f"{p.a.upper()} – {p.b.upper()}"
        for p in analysis.pairs
        if not p.significant and p.shown_p is not None
    ]
    untested = [f"{p.a.upper()} – {p.b.upper()}" for p in analysis.pairs if p.shown_p is None]
    paragraphs = [", ".join(pairs) or "–"]
    if untested:
        paragraphs.append(
            _("Not tested (too few answers): %(pairs)s.") % {"pairs": ", ".join(untested)}
        )
    return Section(_("Questions that do not depend on each other"), tuple(paragraphs))


def _caveats(analysis: Analysis) -> tuple[str, ...]:
    caveats = [
        _(
            "%(a)s – %(b)s: expected counts are too small for the χ² approximation; the Monte "
            "Carlo p is shown instead."
        )
        % {"a": pair.a.upper(), "b": pair.b.upper()}
        for pair in analysis.pairs
        if pair.cochran_ok is False and pair.weighted is None  # weighted: the Rao–Scott p
    ]
    caveats += [
        _("%(a)s – %(b)s: not tested (%(reason)s).")
        % {"a": pair.a.upper(), "b": pair.b.upper(), "reason": pair.test.reason}
        for pair in analysis.pairs
        if pair.shown_p is None and pair.test.reason
    ]
    return tuple(caveats)


def _article(slug: str, analysis: Analysis, language: str) -> Section | None:
    rows = paper_comparison(slug, analysis)
    if rows is None:
        return None
    source = json.loads((QUESTIONNAIRES / f"{slug}.paper-findings.json").read_text("utf-8"))

    def verdict(dependent: bool | None) -> str:
        return _("dependent") if dependent else _("independent")

    table = Table(
        caption=_("The article's findings and the current data"),
        header=(_("Pair"), _("Article"), _("Current data"), "p", "Ṽ", _("Agrees")),
        rows=tuple(
            (
                f"{row['a'].upper()} – {row['b'].upper()}",
                verdict(row["article_dependent"]),
                verdict(row["now_dependent"]),
                p_cell(row["p"], language),
                share(row["v"], 2, language),
                _("yes") if row["agrees"] else _("no"),
            )
            for row in rows
        ),
    )
    agree = sum(row["agrees"] for row in rows)
    summary = _("The current data agree with the article on %(k)s of %(n)s pairs.") % {
        "k": number(agree, 0, language),
        "n": number(len(rows), 0, language),
    }
    return Section(_("The article beside the data"), (source["source"], summary), table)


def _headings() -> dict[str, str]:
    return {
        "methods": _("Methods"),
        "results": _("Results"),
        "frequencies": _("Answers to each question"),
        "matrix": _("Which questions depend on each other"),
        "dependent": _("Questions that depend on each other"),
        "caveats": _("Caveats"),
        "references": _("References"),
        "none_dependent": _("No pair of questions depends on each other at the 5 % level."),
    }
