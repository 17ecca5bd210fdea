"""Placement: from the database rows to the engine and back.

It builds the instance a run solves (instance.py), runs the worker's solve and stores its result (execution.py,
tasks.py, engine.py), asks the engine's rules for one need's candidates (candidates.py) and at approval
(rules.py), and holds the writes that need both runs and engagements: queuing a run, approving a proposal into an
engagement, placing an expert with an exception (services.py, apis.py).

It sits above backend.runs and backend.engagements (tests/test_layers.py), which never import it. It has no
models: what it reads and writes are theirs.
"""
