"""Jobs: validation, storage, submission and the background poller."""
