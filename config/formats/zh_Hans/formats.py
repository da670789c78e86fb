"""Number formats of zh-Hans pages (settings.FORMAT_MODULE_PATH), over Django's own.

Django's zh_Hans locale groups no digits (THOUSAND_SEPARATOR ""), while the figures the pages
and the PDF print are grouped by threes with commas (2,244 households), as Chinese statistical
tables print them; so `intcomma` and `floatformat:"g"` printed n=2233 beside 3,401. One
grouping for every number on a page."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
