# Kazakh groups thousands with a (non-breaking) space and writes decimals with a comma, as
# Russian does; Django has no formats for "kk", and without these a forced grouping
# (floatformat "g", number_format's force_grouping) would write 1190 and 0.64 would keep
# its point. USE_THOUSAND_SEPARATOR stays off.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
