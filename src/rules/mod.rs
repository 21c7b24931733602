//! Sentinel hunting rules: the YAML model, loading files and folders, saving. (to be written)
