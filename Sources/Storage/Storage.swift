// Content-addressed blob storage (issue #6): see docs/storage.md.
