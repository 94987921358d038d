"""`python -m gen_src {data,figures,notebooks,bench}` (gen_src.builder.cli)."""

import sys

from gen_src.builder.cli import main

sys.exit(main())
