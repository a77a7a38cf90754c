"""The review page: recent stories, near misses and source health, where an editor marks a
flag right or wrong (`newsmon web`, and `newsmon serve` beside its polls).

``view`` builds the page's records from stored rows and ``render`` writes its HTML (both
pure); ``queries`` reads the store; ``guard`` checks tokens and cross-site requests; ``app``
is the FastAPI application; ``run`` binds and serves it; ``export`` writes marks as
labelled examples for `newsmon train`.
"""
