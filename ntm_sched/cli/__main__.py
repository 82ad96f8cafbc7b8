import sys

from ntm_sched.cli import main

sys.exit(main())
