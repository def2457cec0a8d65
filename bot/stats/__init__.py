"""Statistics: anonymous counts (signalen) for integrity coordinators."""
