//! The C interface as bindgen reads it from include/nerve.h (generated at build time, see build.rs).

#![allow(non_camel_case_types, non_upper_case_globals, non_snake_case, dead_code)]
#![allow(clippy::all)]

include!(concat!(env!("OUT_DIR"), "/nerve_sys.rs"));
