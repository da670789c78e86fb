"""The annual review (年度工作总结): page, PDF, finalised versions and the render job.

`dimensions` maps every figure of the metric registry to one of the four dimensions of the
review; `selectors.review_data` gathers what the page and the PDF show; `pdf` renders it with
WeasyPrint; `services` holds the writes (sections, render job, finalisation).
"""
