"""Read-only queries the screens call; each takes a session and the viewer it reads for."""
