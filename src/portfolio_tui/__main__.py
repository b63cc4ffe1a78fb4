from portfolio_tui.cli import main

raise SystemExit(main())
