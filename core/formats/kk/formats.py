# Kazakh groups thousands with a (non-breaking) space, as Russian does; Django has no formats
# for "kk", and without these a forced grouping (floatformat "g", number_format's
# force_grouping) would write 1190. Only grouping is set: decimals keep Django's defaults,
# which every page showed before, and USE_THOUSAND_SEPARATOR stays off.
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
