"""The console transport: stdin lines in, replies printed."""
