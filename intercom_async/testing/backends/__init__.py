"""The fake's hand-written backends, one module per resource (importing one registers its
handlers); every other operation is served from the description by ``.._generic``."""

from . import (  # noqa: F401  (importing registers the handlers)
    admins,
    articles,
    companies,
    contacts,
    conversations,
    data_attributes,
    events,
    exports,
    notes,
    segments,
    tags,
    teams,
    tickets,
)
