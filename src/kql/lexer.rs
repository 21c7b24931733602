//! The KQL lexer. (to be written)
