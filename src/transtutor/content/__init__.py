"""Course content: the model, the file readers and the whole-file importer."""
