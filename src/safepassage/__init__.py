"""safepassage: coordination server for volunteer networks that move people to safety."""
