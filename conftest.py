"""Test configuration (repository root, so it applies to `pytest notebooks/...` too): quick mode.

The kernel that nbmake starts inherits this process's environment, so setting the variable here
makes every notebook run in quick mode. ``COURSE_EXPECTED_MODE`` lets the setup-check notebook
assert that the mode really reached its kernel. Run ``COURSE_MODE=full pytest`` to execute the
notebooks at full size.
"""

import os

os.environ.setdefault("COURSE_MODE", "quick")
os.environ["COURSE_EXPECTED_MODE"] = os.environ["COURSE_MODE"]
