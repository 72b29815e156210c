"""Core of the Omni-Flash-Ext video bot: settings, storage, the APIMart client and jobs."""
