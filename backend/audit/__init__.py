"""The audit log as readers see it: its API, filters, selectors and serializers.

The log itself (the model, `audit_record`, the hash chain) is plumbing in `backend.core`, which knows no domain
app; who may read which rows is a question of roles (`backend.accounts`), so the reading side lives here, above
the apps whose actions it shows. It has no models.
"""
