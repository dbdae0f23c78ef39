"""The review workflow's commands, standing on the content model
(:mod:`tools.model.review` works out each page's state):

- ``approve``: ``make approve PAGE=… BY=…`` records a review in a page's front matter;
- ``queue``: ``make review`` prints the review queue, grouped by reviewer area;
- ``codeowners``: ``make codeowners`` writes ``.github/CODEOWNERS`` from ``reviewers.yml``.
"""
