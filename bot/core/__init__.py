"""The pure, channel-agnostic core: (state, event) -> (state, replies, effects)."""
