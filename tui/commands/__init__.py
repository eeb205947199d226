"""One module per ``agentdesk`` subcommand."""
