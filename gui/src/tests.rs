//! Widget tests of the whole window, under a real display (Xvfb in CI).
