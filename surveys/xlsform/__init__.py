"""XLSForm in and out: a KoboToolbox or ODK workbook into the questionnaire document that
surveys.questionnaire.questionnaire_parse checks (so every check is shared), and a spec back
into a workbook that Kobo and ODK open (README "XLSForm").

Reading uses pyxform's own workbook reader (``pyxform.xls2json_backends.xlsx_to_dict``, the
first stage of Kobo's and ODK's converter): it turns each sheet into rows of cleaned strings
exactly as Kobo reads them (headers trimmed, TRUE/FALSE and whole numbers spelt as pyxform
spells them, blank rows kept so that row numbers stay true). pyxform's second stage,
``workbook_to_json``, does not fit: it builds an XForm tree, forgets the row each element
came from and quietly accepts what this platform cannot honour (repeats, calculations,
media), whereas every refusal here must name its sheet and row. What is read, and what is
refused by name and row, is in reading.py and survey_sheet.py; writing uses openpyxl.

The platform's extensions, which pyxform (and so Kobo and ODK) ignores: a survey column
``ordinal`` (``yes`` on a select_one whose choices are ordered), survey columns
``unit::<language>`` on numbers, and settings columns ``form_title_<code>`` and
``intro_<code>`` for the title and introduction in each language (pyxform stops on ``::`` in
the settings sheet). pyxform and openpyxl are imported where they are used: they are heavy
for start-up.
"""

from surveys.xlsform.columns import XLSFormInvalid
from surveys.xlsform.reading import xlsform_load, xlsform_read
from surveys.xlsform.writing import xlsform_write

__all__ = ["XLSFormInvalid", "xlsform_load", "xlsform_read", "xlsform_write"]
