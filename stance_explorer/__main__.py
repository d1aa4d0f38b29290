import sys

from stance_explorer.cli import main

sys.exit(main())
