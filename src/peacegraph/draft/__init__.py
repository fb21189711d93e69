"""Before the records: turning a raw document (text, Markdown, HTML, PDF) into draft records for a
curator to review. May import ``records`` and ``rdf``; its output is plain record YAML.
"""
