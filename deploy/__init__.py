"""Running Sinergi as a deployment: nginx in front of several app servers sharing one database."""
