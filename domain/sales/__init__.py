"""Sales and stock reports: value types, sale sentences, the recording use cases."""
