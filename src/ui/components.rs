//! Small components shared by several screens.

pub mod charts;
pub mod progress;
<<<<<<< HEAD
pub mod services;
=======
pub mod scatter;
>>>>>>> ui-segments
