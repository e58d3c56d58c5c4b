"""The Slack transport on slack-bolt."""
