use std::ffi::CStr;
use std::fmt;

use crate::sys;

/// A failed call: the library's status code and its message for the failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub status: sys::nerve_status,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The library's English name for the status, e.g. "invalid argument".
    pub fn status_name(&self) -> &'static str {
        // SAFETY: nerve_status_string returns a static NUL-terminated string for any status.
        unsafe { CStr::from_ptr(sys::nerve_status_string(self.status)) }.to_str().unwrap_or("unknown status")
    }

    pub(crate) fn new(status: sys::nerve_status, message: impl Into<String>) -> Self {
        Error { status, message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "nerve: {}", self.status_name())
        } else {
            write!(f, "nerve: {}", self.message)
        }
    }
}

impl std::error::Error for Error {}

/// The outcome buffer of one _r call. The library fills it on the thread that ran the call, so the message is
/// the call's own even if an async task moves between threads (nerve_last_error is per thread).
pub(crate) struct Outcome(sys::nerve_error);

impl Outcome {
    pub(crate) fn new() -> Self {
        // SAFETY: nerve_error holds only integers and a char array, for which all-zero bytes are valid.
        Outcome(unsafe { std::mem::zeroed() })
    }

    pub(crate) fn as_mut_ptr(&mut self) -> *mut sys::nerve_error {
        &mut self.0
    }

    /// Ok for a status of zero or more (NERVE_STOPPED ends training early but is no failure).
    pub(crate) fn check(&self, status: sys::nerve_status) -> Result<()> {
        if status >= sys::NERVE_OK {
            return Ok(());
        }
        let length = (self.0.length as usize).min(self.0.message.len());
        // SAFETY: c_char and u8 have the same size; `length` is within the array.
        let bytes = unsafe { std::slice::from_raw_parts(self.0.message.as_ptr().cast::<u8>(), length) };
        Err(Error::new(status, String::from_utf8_lossy(bytes)))
    }
}
