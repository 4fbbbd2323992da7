"""Skip logic: the XLSForm ``relevant`` conditions a question may carry, parsed and judged.

The subset researchers write in XLSForm (https://xlsform.org/en/#relevant):

    ${q04} = 'yes'            =  !=  on every kind; <  >  <=  >= on numbers and ordinals
    ${q02} >= 'medium'        an ordinal compares by the order of its choices
    ${q04} != ''              '' is "no answer": = '' not answered, != '' answered
    selected(${q03}, 'cyber') a multi choice (or a single one: is this its answer?)
    count-selected(${q03}) >= 2
    not(...)  and  or  ( )    "and" binds tighter than "or", as in XPath

The grammar below is parsed by lark's LALR parser into frozen dataclasses; nothing is
evaluated as code. pyxform (which also uses lark) only tokenizes expressions, so it offers
no grammar to reuse. A condition may only name questions before its own, and every name,
choice code, operator and literal is checked against them, so a condition that parses is
one the form and the server can judge.

Judging follows ODK's XPath (https://getodk.github.io/xforms-spec/): an answer that is
missing (not given, or its question skipped) is the empty value. Then ``=`` with a choice,
text or number is false and ``!=`` is true; ``<``, ``>``, ``<=``, ``>=`` are false (XPath
compares NaN); ``selected()`` is false and ``count-selected()`` is 0; ``= ''`` is true.

Two things go beyond ODK. ``<``, ``>``, ``<=``, ``>=`` on an ordinal compare by the order of
its choices; ODK compares the codes as numbers, so such a condition exported to XLSForm does
not work in Kobo or ODK unless the codes are numbers in that order. ``selected()`` on a single
choice is ODK's own behaviour (its answer is that choice), kept because Kobo users write it.
"""

from surveys.conditions.judging import condition_holds
from surveys.conditions.parsing import condition_parse
from surveys.conditions.tree import (
    And,
    Answer,
    Comparison,
    Condition,
    ConditionInvalid,
    CountSelected,
    Not,
    Or,
    Selected,
    condition_json,
    condition_text,
)
from surveys.conditions.words import condition_words, question_numbers

__all__ = [
    "And",
    "Answer",
    "Comparison",
    "Condition",
    "ConditionInvalid",
    "CountSelected",
    "Not",
    "Or",
    "Selected",
    "condition_holds",
    "condition_json",
    "condition_parse",
    "condition_text",
    "condition_words",
    "question_numbers",
]
