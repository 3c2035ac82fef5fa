"""``python -m gtm_planner`` is ``gtm-planner``."""

import sys

from gtm_planner.app import main

sys.exit(main())
