"""Live AWS collectors: one module per service, composed by ``scanner.live``."""
