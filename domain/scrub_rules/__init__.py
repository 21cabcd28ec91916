"""The scrubber's rules, one module per subject; domain.scrubber runs them all."""
