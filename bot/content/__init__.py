"""Knowledge as data: load, validate and cross-check kennisbank/ and dialogen/ YAML."""
