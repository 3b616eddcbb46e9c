"""``python -m tests.bench``: the pipeline's speed and memory, measured against the real stack.

Not collected by pytest (no ``test_*`` modules): speed is a benchmark, never a timed test.
"""
