"""The API surface: one generated module per Intercom resource (``contacts.py``, …).

Nothing is imported here: the client's attributes (``_attach.py``) import each resource module
the first time it is used, so ``import intercom_async`` loads no resource, operation or model.
"""
