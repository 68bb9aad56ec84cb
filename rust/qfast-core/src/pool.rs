//! The rayon pool owned by core.
