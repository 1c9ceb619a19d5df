"""The ground every layer stands on: settings, the database, who may do what, the audit log, errors."""
