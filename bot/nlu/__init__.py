"""Understanding what people write: topic, crisis and cues, behind one interface."""
