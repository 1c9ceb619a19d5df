"""The rules of the domain as pure functions with their SQL twins: achievement and coordination points."""
