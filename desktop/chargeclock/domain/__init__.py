"""Pure billing rules and data types. Imports only the standard library and pydantic."""
