"""agentdesk's terminal front ends: the Textual desk and the ``agentdesk`` command."""
