from citygraph.cli import main

raise SystemExit(main())
