"""Members' media: the guarded fetcher for the URLs they control."""
