"""The interface speaks Kazakh and Russian from committed gettext catalogues (English source)."""

import ast
import gettext
import uuid
from pathlib import Path
from typing import NamedTuple

import pytest
from django.conf import settings
from pytest_django.asserts import assertContains

LOCALE = Path(__file__).resolve().parents[2] / "locale"
KAZAKH_LETTERS = set("әөүұқғңһі")


class Message(NamedTuple):
    msgid: str
    msgstr: str  # the first form of a plural message
    fuzzy: bool
    plural: str = ""  # msgid_plural
    forms: tuple[str, ...] = ()  # every msgstr[n] of a plural message


def po_messages(language: str) -> list[Message]:
    """Every entry of the language's django.po, the header (empty msgid) first.

    Enough of the PO format for these catalogues: flags, msgid and msgstr (msgid_plural and
    msgstr[n] for plurals), strings continued over several lines. Obsolete (#~) entries are
    left out.
    """
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    messages = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        flags: list[str] = []
        keyword = None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith(("msgid", "msgstr")):
                keyword, _, quoted = line.partition(" ")
                fields[keyword] = ast.literal_eval(quoted)
            elif line.startswith('"') and keyword:
                fields[keyword] += ast.literal_eval(line)
        if "msgid" in fields:
            forms = tuple(v for k, v in sorted(fields.items()) if k.startswith("msgstr["))
            first = fields.get("msgstr", forms[0] if forms else "")
            plural = fields.get("msgid_plural", "")
            messages.append(Message(fields["msgid"], first, "fuzzy" in flags, plural, forms))
    return messages


def translations(language: str) -> list[Message]:
    return [message for message in po_messages(language) if message.msgid]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "submit", "question_1"),
    [
        ("kk", "Жауаптарды жіберу", "Сізге қай респондент мәртебесі көбірек сәйкес келеді?"),
        ("ru", "Отправить ответы", "Какой статус респондента вам больше всего подходит?"),
        ("en", "Submit answers", "Which respondent status suits you best?"),
    ],
)
def test_it_shows_the_form_in_the_chosen_language(client, survey, language, submit, question_1):
    response = client.get(f"/s/{survey.slug}/?lang={language}")
    assertContains(response, submit)
    assertContains(response, question_1)


@pytest.mark.django_db
def test_it_says_what_is_missing_in_kazakh(client, survey):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    response = client.post(f"/s/{survey.slug}/", {"client_token": str(uuid.uuid4())})
    assertContains(
        response, '<p class="error" id="q-q01-error">Жауапты таңдаңыз.</p>', status_code=400
    )


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_it_translates_every_message(language):
    untranslated = [
        m.msgid
        for m in translations(language)
        if not m.msgstr.strip() or not all(form.strip() for form in m.forms)
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_it_leaves_no_fuzzy_entry(language):
    fuzzy = [m.msgid for m in po_messages(language) if m.fuzzy]
    assert fuzzy == []


def test_it_writes_kazakh_with_the_kazakh_letters():
    # Russian letters alone would pass for Kazakh at a glance; sentences of any length
    # almost always need at least one of the letters Russian does not have.
    sentences = [m.msgstr for m in translations("kk") if len(m.msgstr) > 15]
    with_kazakh_letters = [s for s in sentences if KAZAKH_LETTERS & set(s.lower())]
    assert sentences
    assert len(with_kazakh_letters) >= 0.8 * len(sentences)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_it_compiled_the_catalogue_from_the_current_po(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [
        m.msgid
        for m in translations(language)
        if (catalogue.ngettext(m.msgid, m.plural, 1) if m.plural else catalogue.gettext(m.msgid))
        != m.msgstr
    ]
    assert stale == []
