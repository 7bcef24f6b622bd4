//! Generates the FFI declarations from include/nerve.h with the bindgen executable, so they always match the
//! header this crate is built against, and tells the linker where libnerve is.
//!
//! Environment: BINDGEN (the executable, default `bindgen`), NERVE_LIB_DIR (the directory of libnerve.so,
//! default the repository's build/lib).

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let repository = manifest_dir.join("../..");
    let header = repository.join("include/nerve.h");
    let generated = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("nerve_sys.rs");
    let bindgen = env::var_os("BINDGEN").unwrap_or_else(|| "bindgen".into());

    println!("cargo:rerun-if-changed={}", header.display());
    println!("cargo:rerun-if-env-changed=BINDGEN");
    println!("cargo:rerun-if-env-changed=NERVE_LIB_DIR");

    // Everything the header declares under Nerve's prefixes, nothing picked by hand. Enum members keep their C
    // names (NERVE_OK, not nerve_status_NERVE_OK) and come out typed by their enum.
    let status = Command::new(&bindgen)
        .arg(&header)
        .arg("-o")
        .arg(&generated)
        .args(["--allowlist-function", "nerve_.*"])
        .args(["--allowlist-type", "nerve_.*"])
        .args(["--allowlist-var", "NERVE_.*"])
        .arg("--no-prepend-enum-name")
        .status()
        .unwrap_or_else(|error| panic!("cannot run {:?}: {error} (Debian: apt-get install bindgen)", bindgen));
    assert!(status.success(), "{:?} failed on {} ({status})", bindgen, header.display());

    let lib_dir = env::var_os("NERVE_LIB_DIR").map(PathBuf::from).unwrap_or_else(|| repository.join("build/lib"));
    let lib_dir = lib_dir.canonicalize().unwrap_or(lib_dir);
    println!("cargo:rustc-link-search=native={}", lib_dir.display());
    println!("cargo:rustc-link-lib=dylib=nerve");
    // Tests and examples find the library where it was linked, without LD_LIBRARY_PATH.
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib_dir.display());
}
