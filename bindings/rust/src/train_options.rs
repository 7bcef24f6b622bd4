use crate::sys;

/// The most used training settings. `Default` gives the library's defaults (10 epochs, batches of 10,
/// learning rate 0.1, no momentum, no L2, the network's thread count); change fields with struct update syntax.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainOptions {
    pub epochs: i32,
    pub batch_size: i32,
    pub learning_rate: f32,
    pub momentum: f32,
    pub l2: f32,
    /// 0: the network's own count (1 unless set).
    pub threads: i32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        let defaults = library_defaults();
        TrainOptions {
            epochs: defaults.epochs,
            batch_size: defaults.batch_size,
            learning_rate: defaults.learning_rate,
            momentum: defaults.momentum,
            l2: defaults.l2,
            threads: defaults.threads,
        }
    }
}

impl TrainOptions {
    /// Starts from nerve_train_options_init, so fields not listed here keep their defaults and struct_size
    /// matches the header the crate was built against.
    pub(crate) fn raw(&self) -> sys::nerve_train_options {
        let mut options = library_defaults();
        options.epochs = self.epochs;
        options.batch_size = self.batch_size;
        options.learning_rate = self.learning_rate;
        options.momentum = self.momentum;
        options.l2 = self.l2;
        options.threads = self.threads;
        options
    }
}

fn library_defaults() -> sys::nerve_train_options {
    let mut options = std::mem::MaybeUninit::<sys::nerve_train_options>::zeroed();
    // SAFETY: nerve_train_options_init fills every field; all-zero bytes are valid for it beforehand
    // (integers, floats and nullable pointers).
    unsafe {
        sys::nerve_train_options_init(options.as_mut_ptr());
        options.assume_init()
    }
}
