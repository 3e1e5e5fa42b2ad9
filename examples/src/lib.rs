//! Runnable programs using the kash-api SDK live in `src/bin/`.
