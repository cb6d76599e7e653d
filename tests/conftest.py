"""Test configuration: the suite runs notebooks in quick mode.

The kernel that nbmake starts inherits this process's environment, so setting the variable here
makes every notebook run in quick mode (a notebook asserts that it did). Set COURSE_MODE=full
yourself to execute the notebooks at full size.
"""

import os

os.environ.setdefault("COURSE_MODE", "quick")
