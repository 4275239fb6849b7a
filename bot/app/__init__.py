"""Running it: the launcher and its servers, the cluster profile, the model cache, sessions and the scheduled purge."""
