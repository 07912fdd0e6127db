from biopark.cli import main

raise SystemExit(main())
