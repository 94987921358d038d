"""`python -m gen_src {data,figures,notebooks,bench}` (gen_src.build.cli)."""

import sys

from gen_src.build.cli import main

sys.exit(main())
