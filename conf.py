"""Sphinx configuration of the docscenter documentation center (built with docscenter)."""

project = "docscenter"
author = "docscenter"
copyright = author  # furo prints "Copyright ©" with nothing after it otherwise
root_doc = "source/index"
extensions = ["docscenter"]

# The center root is Sphinx's source folder: keep everything that is not a page out (the
# wiki files an import places in services/<name>/_files are never pages).
exclude_patterns = [
    "build", ".venv", "venv", ".tox", ".hg", ".git", "tools", "tests", "bench",
    "README*", "**/.*", "**/_files",
]

html_theme = "furo"
html_title = project
html_show_sourcelink = True

# Findings are warnings with type "docscenter"; silence one kind with e.g.
# suppress_warnings = ["docscenter.unused_term"]
suppress_warnings: list[str] = []

# Page history: every page ends with "Last changed <date> by <author> (<changeset>)", from the
# Mercurial or Git history. Links to each page's history, source and editor are derived from
# the default remote (GitHub, GitLab, Heptapod, Bitbucket, hgweb; see the writers' guide);
# to give the repository's web view yourself ({path}: the file, relative to the repository
# root; {node}: the changeset), e.g.
# docscenter_vcs_web = {
#     "history": "https://hg.example.org/center/log/tip/{path}",
#     "source": "https://hg.example.org/center/file/tip/{path}",
#     "changeset": "https://hg.example.org/center/rev/{node}",
# }
