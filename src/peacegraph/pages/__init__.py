"""Built on a release: what `serve` and `site` both show of it. The identifier pages, lists, search,
timeline and the dataset's page (Jinja2 templates and static files live here), and the static site
with its redirect rules. May import the stages, ``query`` and ``collection``.
"""
