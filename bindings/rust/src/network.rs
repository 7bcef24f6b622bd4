use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::{self, NonNull};

use crate::error::{Error, Outcome, Result};
use crate::sys;
use crate::{Activation, Cost, TrainOptions};

/// A feedforward network owned by the library, freed on drop.
///
/// `predict` and `save` take `&self` and may run on many threads at once (the library allows concurrent
/// readers); `train` takes `&mut self`, as the library needs the network to itself while it trains.
pub struct Network {
    handle: NonNull<sys::nerve_net>,
}

// SAFETY: handles have no thread affinity, and the library synchronises concurrent read-only calls on one
// network; calls that write take &mut self.
unsafe impl Send for Network {}
unsafe impl Sync for Network {}

impl Network {
    /// A network with layer sizes `sizes[0]` (inputs) .. `sizes[len - 1]` (outputs) and `activations[i]`
    /// between `sizes[i]` and `sizes[i + 1]`, initialised from `seed`.
    pub fn create(sizes: &[i32], activations: &[Activation], cost: Cost, seed: u64) -> Result<Network> {
        if sizes.len() < 2 || activations.len() + 1 != sizes.len() {
            return Err(Error::new(
                sys::NERVE_E_SIZE,
                format!(
                    "{} layer sizes and {} activations: need at least 2 sizes and one activation fewer",
                    sizes.len(),
                    activations.len()
                ),
            ));
        }
        let n_sizes = count_i32(sizes.len(), "layer sizes")?;
        // The header takes activations as int32_t (the field type of its structs); every value fits.
        let activations: Vec<i32> = activations.iter().map(|a| a.raw() as i32).collect();
        let mut handle = ptr::null_mut();
        let mut outcome = Outcome::new();
        // SAFETY: the arrays hold n_sizes and n_sizes - 1 values; handle and outcome are valid for writes.
        let status = unsafe {
            sys::nerve_create_r(
                &mut handle,
                sizes.as_ptr(),
                n_sizes,
                activations.as_ptr(),
                cost.raw(),
                seed,
                outcome.as_mut_ptr(),
            )
        };
        outcome.check(status)?;
        Ok(Network::adopt(handle))
    }

    /// Loads a network saved by `save` (or by any program through nerve_save). The path's bytes are passed as
    /// they are, so names that are not UTF-8 work.
    pub fn load(path: impl AsRef<Path>) -> Result<Network> {
        let path = c_path(path.as_ref())?;
        let mut handle = ptr::null_mut();
        let mut outcome = Outcome::new();
        // SAFETY: path is NUL-terminated; handle and outcome are valid for writes.
        let status = unsafe { sys::nerve_load_r(path.as_ptr(), &mut handle, outcome.as_mut_ptr()) };
        outcome.check(status)?;
        Ok(Network::adopt(handle))
    }

    fn adopt(handle: *mut sys::nerve_net) -> Network {
        Network { handle: NonNull::new(handle).expect("the library reported success without a network") }
    }

    /// Values per sample the network reads.
    pub fn input_size(&self) -> usize {
        // SAFETY: the handle is live until drop.
        unsafe { sys::nerve_input_size(self.handle.as_ptr()) as usize }
    }

    /// Values per sample the network writes.
    pub fn output_size(&self) -> usize {
        // SAFETY: as input_size.
        unsafe { sys::nerve_output_size(self.handle.as_ptr()) as usize }
    }

    /// Fits the network to `x` (`input_size` values per sample) and `y` (`output_size` values per sample).
    pub fn train(&mut self, x: &[f32], y: &[f32], options: &TrainOptions) -> Result<()> {
        let samples = self.samples(x)?;
        if y.len() != samples * self.output_size() {
            return Err(Error::new(
                sys::NERVE_E_SIZE,
                format!("{} samples need {} target values, got {}", samples, samples * self.output_size(), y.len()),
            ));
        }
        let options = options.raw();
        let mut outcome = Outcome::new();
        // SAFETY: x and y hold `samples` whole rows; no evaluation set; options and outcome are valid.
        let status = unsafe {
            sys::nerve_train_r(
                self.handle.as_ptr(),
                x.as_ptr(),
                y.as_ptr(),
                samples as i64,
                ptr::null(),
                ptr::null(),
                0,
                &options,
                outcome.as_mut_ptr(),
            )
        };
        outcome.check(status)
    }

    /// Runs the network on `x` (`input_size` values per sample): `output_size` values per sample.
    pub fn predict(&self, x: &[f32]) -> Result<Vec<f32>> {
        let mut out = vec![0.0; self.samples(x)? * self.output_size()];
        self.predict_into(x, &mut out)?;
        Ok(out)
    }

    /// Writes the predictions for `x` into `out`; an `out` too short fails with NERVE_E_CAPACITY and a message
    /// giving the size needed.
    pub fn predict_into(&self, x: &[f32], out: &mut [f32]) -> Result<()> {
        let samples = self.samples(x)?;
        let mut outcome = Outcome::new();
        // SAFETY: x holds `samples` whole rows, out holds out.len() floats, and they cannot overlap (&mut).
        let status = unsafe {
            sys::nerve_predict_r(
                self.handle.as_ptr(),
                x.as_ptr(),
                samples as i64,
                out.as_mut_ptr(),
                out.len() as i64,
                outcome.as_mut_ptr(),
            )
        };
        outcome.check(status)
    }

    /// Saves atomically: a failure leaves any previous file at `path` as it was.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = c_path(path.as_ref())?;
        let mut outcome = Outcome::new();
        // SAFETY: path is NUL-terminated; outcome is valid for writes.
        let status = unsafe { sys::nerve_save_r(self.handle.as_ptr(), path.as_ptr(), outcome.as_mut_ptr()) };
        outcome.check(status)
    }

    /// The samples in `x`. A partial last row would make the library read past the slice, so it is refused.
    fn samples(&self, x: &[f32]) -> Result<usize> {
        let inputs = self.input_size();
        if inputs == 0 || x.len() % inputs != 0 {
            return Err(Error::new(
                sys::NERVE_E_SIZE,
                format!("{} values are not whole samples of {} inputs", x.len(), inputs),
            ));
        }
        Ok(x.len() / inputs)
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        // SAFETY: the handle came from the library and is freed once, here.
        unsafe { sys::nerve_free(self.handle.as_ptr()) }
    }
}

fn count_i32(count: usize, what: &str) -> Result<i32> {
    i32::try_from(count).map_err(|_| Error::new(sys::NERVE_E_SIZE, format!("{count} {what} are too many")))
}

fn c_path(path: &Path) -> Result<CString> {
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| Error::new(sys::NERVE_E_INVALID, format!("path {} contains a NUL byte", path.display())))
}
