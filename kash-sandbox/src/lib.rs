//! A simulated Kash POS. (Filled by the sandbox issue.)
